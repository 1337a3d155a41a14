using System.Globalization;
using System.Text.Json;

namespace StreamChat.LoadTest;

/// <summary>
/// Reads the RESULT lines benchmarks/run.sh saved (SCENARIO.TARGET.ROUND.txt) and prints one markdown table per
/// scenario: the median over rounds for each target (StreamChat, the SignalR peer, the floor server, and SignalR through
/// its .NET client when run), the spread of the rounds, and the ratios of StreamChat to each.
/// </summary>
internal static class Report
{
    private static readonly string[] Keys =
    [
        "capacity_msgs_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "deliveries_per_s", "loss", "errors",
        "server_kb_per_connection", "server_kb_per_connection_after_gc", "server_heap_kb_per_connection", "server_idle_cpu_s", "connect_rate", "server_cpu_s", "tool_cpu_s", "server_rss_mb",
        "server_rss_cold_mb", "server_rss_before_mb", "server_rss_after_mb", "server_rss_after2_mb", "server_heap_before_mb",
        "server_heap_after_mb", "server_heap_after2_mb", "server_fds_cold", "server_fds_before", "server_fds_after",
        "server_fds_after2", "opened", "redis_publishes_per_message", "redis_commands_per_message",
    ];

    public static void Print(string folder)
    {
        var results = new Dictionary<(string Scenario, string Target), List<Dictionary<string, double>>>();
        foreach (var file in Directory.GetFiles(folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file).Split('.');
            if (name.Length != 3)
            {
                continue;
            }

            var line = File.ReadLines(file).LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            if (line is null)
            {
                Console.WriteLine($"(no result in {Path.GetFileName(file)})");
                continue;
            }

            var values = JsonSerializer.Deserialize(line[7..], ResultJson.Default.DictionaryStringDouble)!;
            var key = (name[0], name[1]);
            if (!results.TryGetValue(key, out var list))
            {
                results[key] = list = [];
            }

            list.Add(values);
        }

        string[] targets = ["streamchat", "signalr", "floor", "signalr-client"];
        foreach (var scenario in results.Keys.Select(k => k.Scenario).Distinct())
        {
            var present = targets.Where(t => results.ContainsKey((scenario, t))).ToList();
            results.TryGetValue((scenario, "streamchat"), out var ours);
            Console.WriteLine();
            Console.WriteLine($"### {scenario} ({string.Join(" + ", present.Select(t => $"{results[(scenario, t)].Count} {Name(t)}"))} runs, alternating; median [min–max])");
            Console.WriteLine();
            var others = present.Where(t => t != "streamchat").ToList();
            Console.WriteLine("| figure | " + string.Join(" | ", present.Select(Name)) + " | " + string.Join(" | ", others.Select(t => "StreamChat / " + Name(t))) + " |");
            Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---|", present.Count + others.Count)));
            foreach (var key in Keys)
            {
                var medians = present.Select(t => Median(results[(scenario, t)], key)).ToList();
                if (medians.All(static m => m is null))
                {
                    continue;
                }

                var cells = present.Select((t, i) => Format(medians[i]) + Spread(results[(scenario, t)], key));
                var a = Median(ours, key);
                var ratios = others.Select(t => a is { } x && Median(results[(scenario, t)], key) is { } y && y != 0 ? (x / y).ToString("0.00", CultureInfo.InvariantCulture) : "-");
                Console.WriteLine($"| {key} | {string.Join(" | ", cells)} | {string.Join(" | ", ratios)} |");
            }
        }
    }

    private static string Name(string target) => target switch
    {
        "streamchat" => "StreamChat",
        "signalr" => "SignalR",
        "signalr-client" => "SignalR (.NET client)",
        _ => "floor",
    };

    /// <summary>" [min–max]" of the runs, when there are two or more and they differ.</summary>
    private static string Spread(List<Dictionary<string, double>> runs, string key)
    {
        var values = runs.Where(r => r.TryGetValue(key, out var v) && !double.IsNaN(v)).Select(r => r[key]).ToArray();
        return values.Length < 2 || values.Min() == values.Max() ? string.Empty : $" [{Format(values.Min())}–{Format(values.Max())}]";
    }

    private static double? Median(List<Dictionary<string, double>>? runs, string key)
    {
        var values = runs?.Where(r => r.TryGetValue(key, out var v) && !double.IsNaN(v)).Select(r => r[key]).Order().ToArray();
        if (values is not { Length: > 0 })
        {
            return null;
        }

        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static string Format(double? value) => value is { } v ? v.ToString(v >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) : "-";
}
