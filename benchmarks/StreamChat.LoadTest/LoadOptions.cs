using System.Globalization;

namespace StreamChat.LoadTest;

internal sealed class LoadOptions
{
    public string Mode { get; private init; } = "run";
    public string Target { get; private init; } = "streamchat";
    public Uri Url => Urls[0];

    /// <summary>Gets the nodes to connect to (<c>--url A,B</c>): client i connects to node i mod N, publishers included.</summary>
    public IReadOnlyList<Uri> Urls { get; private init; } = [new("ws://127.0.0.1:5000/chat")];
    public int Connections { get; private init; } = 100;
    public int Streams { get; private init; } = 1;
    public int Publishers { get; private init; } = 10;
    public double Rate { get; private init; } = 20;
    public double Duration { get; private init; } = 10;
    public int? ServerPid => ServerPids.Count > 0 ? ServerPids[0] : null;

    /// <summary>Gets the server processes (<c>--server-pid A,B,REDIS</c>) whose CPU and memory are summed.</summary>
    public IReadOnlyList<int> ServerPids { get; private init; } = [];
    public int ConnectConcurrency { get; private init; } = 50;
    public double ChurnRate { get; private init; } = 200;
    public double P99LimitMs { get; private init; } = 250;
    public double StartRate { get; private init; } = 50;

    /// <summary>Gets the Redis whose commands are counted over the publishing window (<c>--redis HOST:PORT</c>), if any.</summary>
    public string? Redis { get; private init; }

    public static LoadOptions Parse(string[] args)
    {
        string Value(ref int i) => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "run";
        string target = "streamchat";
        List<Uri>? urls = null;
        int connections = 100, streams = 1, publishers = 10, concurrency = 50;
        double rate = 20, duration = 10, churn = 200, p99 = 250, startRate = 50;
        List<int> pids = [];
        string? redis = null;
        for (var i = mode == args.FirstOrDefault() ? 1 : 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--target": target = Value(ref i); break;
                case "--url": urls = Value(ref i).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(static u => new Uri(u)).ToList(); break;
                case "--connections": connections = int.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--streams": streams = int.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--publishers": publishers = int.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--start-rate": startRate = double.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--duration": duration = double.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--server-pid": pids = Value(ref i).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(static p => int.Parse(p, CultureInfo.InvariantCulture)).ToList(); break;
                case "--connect-concurrency": concurrency = int.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--churn-rate": churn = double.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                case "--redis": redis = Value(ref i); break;
                case "--p99-limit-ms": p99 = double.Parse(Value(ref i), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException("unknown option " + args[i]);
            }
        }

        if (target is not ("streamchat" or "signalr" or "signalr-client" or "floor"))
        {
            throw new ArgumentException("--target is streamchat, signalr (raw WebSocket, JSON hub protocol), signalr-client (SignalR's .NET client) or floor");
        }

        return new LoadOptions
        {
            Mode = mode,
            Target = target,
            Urls = urls ?? [new Uri(target switch
            {
                "signalr" or "signalr-client" => "http://127.0.0.1:5001/chathub",
                "floor" => "ws://127.0.0.1:5004/chat",
                _ => "ws://127.0.0.1:5000/chat",
            })],
            Connections = connections,
            Streams = Math.Max(1, streams),
            Publishers = Math.Clamp(publishers, 1, connections),
            Rate = rate,
            Duration = duration,
            ServerPids = pids,
            ConnectConcurrency = concurrency,
            ChurnRate = churn,
            P99LimitMs = p99,
            StartRate = startRate,
            Redis = redis,
        };
    }
}
