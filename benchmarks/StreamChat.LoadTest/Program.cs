// The load tool: opens N WebSocket connections to one or many streams, has P of them publish at a total rate R for
// D seconds, and reports connection set-up rate, deliveries per second, loss, end-to-end latency (each message
// carries its send time), errors, the server's memory per connection and CPU (from /proc/PID), and its own CPU.
// It speaks StreamChat's protocol (to StreamChat and to the floor server, benchmarks/Peers/Floor) and, for the peer,
// SignalR's JSON hub protocol over a raw WebSocket with the same cheap frame scanning (--target signalr), or through
// Microsoft.AspNetCore.SignalR.Client (--target signalr-client), which costs the tool far more CPU per message.
//
//   dotnet run -c Release --project benchmarks/StreamChat.LoadTest -- run --target streamchat --url ws://127.0.0.1:5000/chat \
//       --connections 1000 --streams 1 --publishers 10 --rate 20 --duration 20 --server-pid 1234
//   modes: run | capacity | idle | churn | soak | joinstorm        (see README in benchmarks/ or docs/performance.md)
using System.Text.Json;
using StreamChat.LoadTest;

if (args.Length == 2 && args[0] == "report")
{
    Report.Print(args[1]);
    return 0;
}

var options = LoadOptions.Parse(args);
var result = options.Mode switch
{
    "run" => await Scenarios.RunAsync(options),
    "capacity" => await Scenarios.CapacityAsync(options),
    "idle" => await Scenarios.IdleAsync(options),
    "churn" => await Scenarios.ChurnAsync(options),
    "soak" => await Scenarios.SoakAsync(options),
    "joinstorm" => await Scenarios.JoinStormAsync(options),
    _ => throw new ArgumentException("mode must be run, capacity, idle, churn, soak or joinstorm"),
};
Console.WriteLine("RESULT " + JsonSerializer.Serialize(result, ResultJson.Default.DictionaryStringDouble));
return 0;
