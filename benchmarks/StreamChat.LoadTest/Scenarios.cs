using System.Diagnostics;
using System.Text.Json.Serialization;

namespace StreamChat.LoadTest;

// NaN stands for "not measured" (no --server-pid); it is written as "NaN" rather than failing the run.
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(Dictionary<string, double>))]
internal sealed partial class ResultJson : JsonSerializerContext;

internal static class Scenarios
{
    private static void Print(string text) => Console.WriteLine(text);

    private static async Task<(List<ChatClient> Clients, double Rate, int Failed)> ConnectAsync(LoadOptions options, Recorder recorder, int count, string prefix)
    {
        var clients = new ChatClient?[count];
        var failed = 0;
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = options.ConnectConcurrency }, async (i, ct) =>
        {
            var client = ChatClient.Create(options.Target, "stream-" + (i % options.Streams), recorder);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await client.ConnectAsync(options.Urls[i % options.Urls.Count], $"{prefix}{i}", timeout.Token);
                clients[i] = client;
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failed);
                recorder.Error("connect: " + ex.Message);
                await client.DisposeAsync();
            }
        });
        var rate = count / stopwatch.Elapsed.TotalSeconds;
        return ([.. clients.OfType<ChatClient>()], rate, failed);
    }

    /// <summary>P publishers (spread over the streams) send at a total rate R for D seconds, on an absolute schedule.</summary>
    private static async Task<(long Published, long Expected)> PublishAsync(List<ChatClient> clients, int publishers, double rate, double duration, Recorder recorder)
    {
        var members = clients.GroupBy(c => c.StreamId).ToDictionary(g => g.Key, g => (long)g.Count());
        var chosen = clients.GroupBy(c => c.StreamId).SelectMany(g => g.Select((c, i) => (c, i))).OrderBy(x => x.i).Select(x => x.c).Take(publishers).ToList();
        long published = 0, expected = 0;
        var interval = TimeSpan.FromSeconds(chosen.Count / rate);
        var start = Stopwatch.GetTimestamp();
        var end = TimeSpan.FromSeconds(duration);
        await Task.WhenAll(chosen.Select(async (publisher, index) =>
        {
            var offset = interval * index / chosen.Count;
            for (long n = 0; ; n++)
            {
                var due = offset + (interval * n);
                if (due >= end)
                {
                    break;
                }

                var wait = due - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }

                try
                {
                    await publisher.PublishAsync("lt " + SendTime.Encode(Stopwatch.GetTimestamp()) + " from load publisher");
                    Interlocked.Increment(ref published);
                    Interlocked.Add(ref expected, members[publisher.StreamId]);
                }
                catch (Exception ex)
                {
                    recorder.Error("send: " + ex.Message);
                }
            }
        }));
        return (published, expected);
    }

    private static async Task DrainAsync(Recorder recorder, long expected)
    {
        var last = -1L;
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(3))
        {
            var delivered = Interlocked.Read(ref recorder.Current.DeliveredCount);
            if (delivered >= expected)
            {
                return;
            }

            if (delivered != last)
            {
                last = delivered;
                quiet.Restart();
            }

            await Task.Delay(50);
        }
    }

    private static async Task CloseAllAsync(List<ChatClient> clients, Recorder recorder)
    {
        recorder.Stopping = true;
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
    }

    public static async Task<Dictionary<string, double>> RunAsync(LoadOptions options)
    {
        var recorder = new Recorder();
        var serverBefore = ProcessStats.ReadAll(options.ServerPids);
        var (clients, connectRate, failed) = await ConnectAsync(options, recorder, options.Connections, "u");
        var serverConnected = ProcessStats.ReadAll(options.ServerPids);
        await Task.Delay(500);
        recorder.Swap();
        var ownCpu = ProcessStats.OwnCpuSeconds();
        var serverCpu = ProcessStats.ReadAll(options.ServerPids)?.CpuSeconds;
        var redisBefore = await RedisProbe.ReadAsync(options.Redis);
        var stopwatch = Stopwatch.StartNew();
        var (published, expected) = await PublishAsync(clients, options.Publishers, options.Rate, options.Duration, recorder);
        await DrainAsync(recorder, expected);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        var redisAfter = await RedisProbe.ReadAsync(options.Redis);
        var window = recorder.Current;
        var result = Summarize(options, window, published, expected, elapsed, ownCpu, serverCpu);
        if (redisBefore is { } rb && redisAfter is { } ra && published > 0)
        {
            // Only the publishing window: joins and leaves are not chat messages.
            result["redis_publishes_per_message"] = (ra.Publishes - rb.Publishes) / (double)published;
            result["redis_commands_per_message"] = (ra.Commands - rb.Commands) / (double)published;
        }
        result["connect_rate"] = connectRate;
        result["connect_failures"] = failed;
        result["errors"] += failed;
        if (serverBefore is { } b && serverConnected is { } a && clients.Count > 0)
        {
            result["server_kb_per_connection"] = (a.RssKb - b.RssKb) / (double)clients.Count;
        }

        await CloseAllAsync(clients, recorder);
        Report(options, result, recorder);
        return result;
    }

    private static Dictionary<string, double> Summarize(LoadOptions options, Recorder.Window window, long published, long expected, double elapsed, double ownCpuBefore, double? serverCpuBefore)
    {
        var server = ProcessStats.ReadAll(options.ServerPids);
        return new Dictionary<string, double>
        {
            ["rate"] = options.Rate,
            ["published"] = published,
            ["expected"] = expected,
            ["delivered"] = window.DeliveredCount,
            ["loss"] = Math.Max(0, expected - window.DeliveredCount),
            ["deliveries_per_s"] = window.DeliveredCount / elapsed,
            ["p50_ms"] = window.Percentile(50),
            ["p95_ms"] = window.Percentile(95),
            ["p99_ms"] = window.Percentile(99),
            ["max_ms"] = window.MaxMs,
            ["errors"] = window.ErrorCount,
            ["tool_cpu_s"] = ProcessStats.OwnCpuSeconds() - ownCpuBefore,
            ["server_cpu_s"] = server is { } s && serverCpuBefore is { } c ? s.CpuSeconds - c : double.NaN,
            ["server_rss_mb"] = server is { } r ? r.RssKb / 1024.0 : double.NaN,
            ["seconds"] = elapsed,
        };
    }

    /// <summary>Connects once, then raises the rate (doubling, then bisecting) while p99 stays under the limit with no loss or error.</summary>
    public static async Task<Dictionary<string, double>> CapacityAsync(LoadOptions options)
    {
        var recorder = new Recorder();
        var (clients, connectRate, failed) = await ConnectAsync(options, recorder, options.Connections, "u");
        await Task.Delay(500);

        // Warm-up at the start rate, not counted: a first step just after 1,000 connects also measures JIT and tiering
        // (the SignalR peer once failed 50/s there with p99 280 ms, and the bisection then never went above 44/s).
        var (_, warmExpected) = await PublishAsync(clients, options.Publishers, options.StartRate, 3, recorder);
        await DrainAsync(recorder, warmExpected);
        await Task.Delay(1000);
        Dictionary<string, double>? best = null;
        double good = 0, bad = double.PositiveInfinity, rate = options.StartRate;
        for (var step = 0; step < 12 && (double.IsPositiveInfinity(bad) || bad - good > Math.Max(10, good * 0.1)); step++)
        {
            recorder.Swap();
            var ownCpu = ProcessStats.OwnCpuSeconds();
            var serverCpu = ProcessStats.ReadAll(options.ServerPids)?.CpuSeconds;
            var stopwatch = Stopwatch.StartNew();
            var (published, expected) = await PublishAsync(clients, options.Publishers, rate, options.Duration, recorder);
            await DrainAsync(recorder, expected);
            var result = Summarize(options, recorder.Current, published, expected, stopwatch.Elapsed.TotalSeconds, ownCpu, serverCpu);
            var pass = result["p99_ms"] <= options.P99LimitMs && result["loss"] == 0 && result["errors"] == 0;
            Print($"  rate {rate,8:F0}/s: p99 {result["p99_ms"],8:F1} ms, loss {result["loss"],6:F0}, errors {result["errors"],3:F0}, server CPU {result["server_cpu_s"],5:F1} s, tool CPU {result["tool_cpu_s"],5:F1} s -> {(pass ? "pass" : "FAIL")}");
            if (pass)
            {
                good = rate;
                best = result;
            }
            else
            {
                bad = rate;
            }

            rate = double.IsPositiveInfinity(bad) ? rate * 2 : (good + bad) / 2;
            await Task.Delay(1000); // let queues empty between steps
            if (result["errors"] > 0)
            {
                // A server that closes viewers who cannot keep up (StreamChat does) leaves fewer or none for the next
                // step; a server that buffers for them (SignalR) does not. Every step starts with all viewers connected.
                await CloseAllAsync(clients, recorder);
                recorder.Stopping = false;
                (clients, _, _) = await ConnectAsync(options, recorder, options.Connections, $"s{step}-");
                await Task.Delay(500);
            }
        }

        await CloseAllAsync(clients, recorder);
        var summary = best ?? new Dictionary<string, double> { ["p99_ms"] = double.NaN };
        summary["capacity_msgs_per_s"] = good;
        summary["rate"] = good;
        summary["connect_rate"] = connectRate;
        summary["connect_failures"] = failed;
        Report(options, summary, recorder);
        return summary;
    }

    /// <summary>Opens N connections that only listen, and reads the server's resident memory per connection.</summary>
    public static async Task<Dictionary<string, double>> IdleAsync(LoadOptions options)
    {
        var recorder = new Recorder();
        var before = ProcessStats.Read(options.ServerPid);
        var (clients, connectRate, failed) = await ConnectAsync(options, recorder, options.Connections, "idle");
        var connected = ProcessStats.Read(options.ServerPid);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = ProcessStats.Read(options.ServerPid);
        var result = new Dictionary<string, double>
        {
            ["connections"] = clients.Count,
            ["connect_rate"] = connectRate,
            ["connect_failures"] = failed,
            ["errors"] = recorder.Current.ErrorCount,
            ["server_rss_mb"] = after is { } a ? a.RssKb / 1024.0 : double.NaN,
            ["server_kb_per_connection"] = before is { } b && after is { } c && clients.Count > 0 ? (c.RssKb - b.RssKb) / (double)clients.Count : double.NaN,
            ["tool_rss_mb"] = Environment.WorkingSet / 1024.0 / 1024.0,
            ["server_idle_cpu_s"] = connected is { } x && after is { } y ? y.CpuSeconds - x.CpuSeconds : double.NaN,
        };

        // Resident memory also counts garbage not yet collected and pages the GC keeps. Read last, so it cannot disturb
        // the figure above: the managed heap after a full GC with the connections open, then again once they closed.
        var heapWith = await GcProbe.HeapAfterFullGcMbAsync(options.ServerPid);

        // Resident memory once that full GC has run (it compacts and gives back what the connect burst left): how much
        // of the figure above was garbage, and how much the connections really hold.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var collected = ProcessStats.Read(options.ServerPid);
        result["server_kb_per_connection_after_gc"] = before is { } b0 && collected is { } g && clients.Count > 0 ? (g.RssKb - b0.RssKb) / (double)clients.Count : double.NaN;
        await CloseAllAsync(clients, recorder);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var heapWithout = await GcProbe.HeapAfterFullGcMbAsync(options.ServerPid);
        result["server_heap_kb_per_connection"] = heapWith is { } w && heapWithout is { } wo && clients.Count > 0 ? (w - wo) * 1024 / clients.Count : double.NaN;
        Report(options, result, recorder);
        return result;
    }

    /// <summary>
    /// A join storm: N connections join one stream as fast as --connect-concurrency lets them, then the tool waits 6 s
    /// (past one viewer_count interval). Reports every frame the clients received (joins, counts, welcomes) and the
    /// server's and the tool's CPU over the storm. StreamChat's raw-socket clients only.
    /// </summary>
    public static async Task<Dictionary<string, double>> JoinStormAsync(LoadOptions options)
    {
        var recorder = new Recorder();
        var before = ProcessStats.Read(options.ServerPid);
        var ownBefore = ProcessStats.OwnCpuSeconds();
        var started = Stopwatch.StartNew();
        var (clients, connectRate, failed) = await ConnectAsync(options, recorder, options.Connections, "storm");
        var connectSeconds = started.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(6));
        var after = ProcessStats.Read(options.ServerPid);
        var frames = Interlocked.Read(ref recorder.FramesReceived);
        var result = new Dictionary<string, double>
        {
            ["connections"] = clients.Count,
            ["connect_failures"] = failed,
            ["connect_seconds"] = connectSeconds,
            ["connect_rate"] = connectRate,
            ["frames_received"] = frames,
            ["frames_per_connection"] = clients.Count > 0 ? frames / (double)clients.Count : double.NaN,
            ["server_cpu_s"] = before is { } b && after is { } a ? a.CpuSeconds - b.CpuSeconds : double.NaN,
            ["tool_cpu_s"] = ProcessStats.OwnCpuSeconds() - ownBefore,
            ["errors"] = recorder.Current.ErrorCount,
        };
        await CloseAllAsync(clients, recorder);
        Report(options, result, recorder);
        return result;
    }

    /// <summary>
    /// Connects and disconnects at a steady rate (each connection lives 1 s), and checks that memory and handles come
    /// back. A short warm-up churn first brings the server to its steady state (JIT, pools, thread pool), so the baseline
    /// is a warm server. Then two equal phases: after each, the tool waits for the server to settle, has it run a full
    /// GC, and reads its managed heap, resident memory and open files. A leak grows the heap in both phases alike; a
    /// server that keeps nothing per finished connection ends phase 2 where phase 1 ended.
    /// </summary>
    public static async Task<Dictionary<string, double>> ChurnAsync(LoadOptions options)
    {
        var recorder = new Recorder();
        var cold = ProcessStats.Read(options.ServerPid);
        var warmup = await ChurnPhaseAsync(options, Math.Min(5, options.Duration), 0, recorder);
        var before = await SettledAsync(options.ServerPid);
        var opened1 = await ChurnPhaseAsync(options, options.Duration, 1_000_000, recorder);
        var after1 = await SettledAsync(options.ServerPid);
        var opened2 = await ChurnPhaseAsync(options, options.Duration, 2_000_000, recorder);
        var after2 = await SettledAsync(options.ServerPid);
        var result = new Dictionary<string, double>
        {
            ["opened"] = opened1 + opened2,
            ["warmup_opened"] = warmup,
            ["errors"] = recorder.Current.ErrorCount,
            ["server_rss_cold_mb"] = cold is { } c ? c.RssKb / 1024.0 : double.NaN,
            ["server_rss_before_mb"] = before.Stats is { } b ? b.RssKb / 1024.0 : double.NaN,
            ["server_rss_after_mb"] = after1.Stats is { } a1 ? a1.RssKb / 1024.0 : double.NaN,
            ["server_rss_after2_mb"] = after2.Stats is { } a2 ? a2.RssKb / 1024.0 : double.NaN,
            ["server_heap_before_mb"] = before.HeapMb ?? double.NaN,
            ["server_heap_after_mb"] = after1.HeapMb ?? double.NaN,
            ["server_heap_after2_mb"] = after2.HeapMb ?? double.NaN,
            ["server_fds_cold"] = cold?.OpenFiles ?? double.NaN,
            ["server_fds_before"] = before.Stats?.OpenFiles ?? double.NaN,
            ["server_fds_after"] = after1.Stats?.OpenFiles ?? double.NaN,
            ["server_fds_after2"] = after2.Stats?.OpenFiles ?? double.NaN,
            ["server_threads_after2"] = after2.Stats?.Threads ?? double.NaN,
        };
        Report(options, result, recorder);
        return result;
    }

    /// <summary>
    /// A soak (issue 19): N connections held over the streams for the whole run while others connect and leave at
    /// --churn-rate (each living 1 s) and the publishers send at --rate, for --duration seconds in one-minute windows.
    /// After each window the server's resident memory, open files and threads and the window's delivery p99 are
    /// printed, so a leak or a slow drift shows as a trend, not as one figure.
    /// </summary>
    public static async Task<Dictionary<string, double>> SoakAsync(LoadOptions options)
    {
        var recorder = new Recorder();
        var (clients, connectRate, failed) = await ConnectAsync(options, recorder, options.Connections, "soak");
        Print($"soak: {clients.Count} held connections ({failed} failed, {connectRate:0} per second)");
        Print("window | held | churned | delivered | p99 ms | max ms | errors | server rss MB | open files | threads");
        var windows = (int)Math.Max(1, Math.Ceiling(options.Duration / 60));
        var rows = new List<(double P99, double RssMb, double Files, double Threads)>();
        long churned = 0;
        for (var w = 0; w < windows; w++)
        {
            var seconds = Math.Min(60, options.Duration - (w * 60));
            var publish = PublishAsync(clients, options.Publishers, options.Rate, seconds, recorder);
            var churn = ChurnPhaseAsync(options, seconds, (w + 1) * 1_000_000, recorder);
            await Task.WhenAll(publish, churn);
            await Task.Delay(TimeSpan.FromSeconds(2)); // the window's last deliveries
            churned += churn.Result;
            var window = recorder.Swap();
            var stats = ProcessStats.Read(options.ServerPid);
            var held = clients.Count(c => c.IsOpen);
            var row = (window.Percentile(99), stats is { } st ? st.RssKb / 1024.0 : double.NaN, stats?.OpenFiles ?? double.NaN, stats?.Threads ?? double.NaN);
            rows.Add(row);
            Print($"{w + 1} | {held} | {churn.Result} | {window.DeliveredCount} | {row.Item1:0.0} | {window.MaxMs:0.0} | {window.ErrorCount} | {row.Item2:0.0} | {row.Item3:0} | {row.Item4:0}");
        }

        var result = new Dictionary<string, double>
        {
            ["held"] = clients.Count(c => c.IsOpen),
            ["connect_failures"] = failed,
            ["churned"] = churned,
            ["windows"] = rows.Count,
            ["p99_first_ms"] = rows[0].P99,
            ["p99_last_ms"] = rows[^1].P99,
            ["p99_max_ms"] = rows.Max(r => r.P99),
            ["rss_first_mb"] = rows[0].RssMb,
            ["rss_last_mb"] = rows[^1].RssMb,
            ["rss_max_mb"] = rows.Max(r => r.RssMb),
            ["files_first"] = rows[0].Files,
            ["files_last"] = rows[^1].Files,
            ["threads_last"] = rows[^1].Threads,
        };
        await CloseAllAsync(clients, recorder);
        Report(options, result, recorder);
        return result;
    }

    /// <summary>Waits for closed connections to finish on the server, then forces a full GC in it and reads its state.</summary>
    private static async Task<(ProcessStats? Stats, double? HeapMb)> SettledAsync(int? pid)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        var heap = await GcProbe.HeapAfterFullGcMbAsync(pid);
        await Task.Delay(TimeSpan.FromSeconds(1));
        return (ProcessStats.Read(pid), heap);
    }

    private static async Task<long> ChurnPhaseAsync(LoadOptions options, double seconds, int firstId, Recorder recorder)
    {
        var start = Stopwatch.GetTimestamp();
        var tasks = new List<Task>();
        long opened = 0;
        for (var n = 0; ; n++)
        {
            var due = TimeSpan.FromSeconds(n / options.ChurnRate);
            if (due >= TimeSpan.FromSeconds(seconds))
            {
                break;
            }

            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var id = firstId + n;
            tasks.Add(Task.Run(async () =>
            {
                var client = ChatClient.Create(options.Target, "stream-" + (id % options.Streams), recorder);
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await client.ConnectAsync(options.Url, "churn" + id, timeout.Token);
                    Interlocked.Increment(ref opened);
                    await Task.Delay(1000);
                }
                catch (Exception ex)
                {
                    recorder.Error("churn connect: " + ex.Message);
                }
                finally
                {
                    await client.DisposeAsync();
                }
            }));
        }

        await Task.WhenAll(tasks);
        return opened;
    }

    private static void Report(LoadOptions options, Dictionary<string, double> result, Recorder recorder)
    {
        Print($"{options.Target} {options.Mode}: " + string.Join(", ", result.Select(kv => $"{kv.Key}={kv.Value:0.###}")));
        foreach (var sample in recorder.ErrorSamples)
        {
            Print("  error: " + sample);
        }
    }
}
