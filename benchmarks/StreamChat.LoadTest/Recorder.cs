using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace StreamChat.LoadTest;

/// <summary>What arrived: end-to-end latency (µs, HdrHistogram), deliveries and errors, per measurement window.</summary>
internal sealed class Recorder
{
    private Window _window = new();

    public volatile bool Stopping;

    /// <summary>Every frame any client received, whatever its type (the join-storm count).</summary>
    public long FramesReceived;

    public ConcurrentQueue<string> ErrorSamples { get; } = new();

    public Window Current => Volatile.Read(ref _window);

    /// <summary>Starts a new window and returns the finished one.</summary>
    public Window Swap() => Interlocked.Exchange(ref _window, new Window());

    public void Delivered(long sentAt, long receivedAt)
    {
        var window = Current;
        if (sentAt <= 0 || receivedAt < sentAt)
        {
            Error("undecodable send time");
            return;
        }

        Interlocked.Increment(ref window.DeliveredCount);
        window.Latency.RecordValue(Math.Max(1, (receivedAt - sentAt) * 1_000_000 / Stopwatch.Frequency));
    }

    public void Error(string what)
    {
        Interlocked.Increment(ref Current.ErrorCount);
        if (ErrorSamples.Count < 10)
        {
            ErrorSamples.Enqueue(what);
        }
    }

    internal sealed class Window
    {
        public long DeliveredCount;
        public long ErrorCount;

        public LongConcurrentHistogram Latency { get; } = new(1, 120_000_000, 3);

        public double Percentile(double p) => Latency.TotalCount == 0 ? 0 : Latency.GetValueAtPercentile(p) / 1000.0;

        public double MaxMs => Latency.TotalCount == 0 ? 0 : Latency.GetMaxValue() / 1000.0;
    }
}

/// <summary>A process's resident memory, CPU time and open handles, from /proc.</summary>
internal readonly record struct ProcessStats(long RssKb, double CpuSeconds, int OpenFiles, int Threads)
{
    public static ProcessStats? Read(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            long rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name) are utime and stime in clock ticks (100 Hz).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
            var files = Directory.GetFiles($"/proc/{pid}/fd").Length;
            return new ProcessStats(rss, cpu, files, threads);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The sum over several processes (two nodes and their Redis); <see langword="null"/> when any cannot be read.</summary>
    public static ProcessStats? ReadAll(IReadOnlyList<int> pids)
    {
        if (pids.Count <= 1)
        {
            return Read(pids.Count == 1 ? pids[0] : null);
        }

        var total = new ProcessStats(0, 0, 0, 0);
        foreach (var pid in pids)
        {
            if (Read(pid) is not { } one)
            {
                return null;
            }

            total = new ProcessStats(total.RssKb + one.RssKb, total.CpuSeconds + one.CpuSeconds, total.OpenFiles + one.OpenFiles, total.Threads + one.Threads);
        }

        return total;
    }

    public static double OwnCpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
