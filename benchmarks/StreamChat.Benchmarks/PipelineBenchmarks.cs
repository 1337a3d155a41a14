using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Pipeline;

namespace StreamChat.Benchmarks;

/// <summary>
/// One client frame through the whole pipeline as AddStreamChatCore composes it (parse, dispatch, policies, local
/// moderation, in-memory history, serialization), with a broadcaster that does no I/O, so the figure is the
/// pipeline's own cost. Messages come from 1,000 users in turn, with distinct texts. Public API only, so the same
/// file measures any version of the pipeline.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class PipelineBenchmarks
{
    private const int Users = 1_000;

    private IChatPipeline _pipeline = null!;
    private string[] _connections = [];
    private byte[][] _messages = [];
    private readonly byte[] _ping = """{"action":"ping"}"""u8.ToArray();
    private readonly byte[] _history = """{"action":"history","limit":50}"""u8.ToArray();
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IChatBroadcaster>(new NoIoBroadcaster());
        // Limits lifted, as for the load test: every user here sends far more than 20 messages in 30 s.
        services.AddStreamChatCore(static o =>
        {
            o.Moderation.Spam.BlockDuplicates = false;
            o.RateLimits.Enabled = false;
        });
        _pipeline = services.BuildServiceProvider().GetRequiredService<IChatPipeline>();
        _connections = new string[Users];
        _messages = new byte[Users][];
        for (var i = 0; i < Users; i++)
        {
            _connections[i] = "c" + i;
            _pipeline.ConnectAsync(new ConnectRequest(_connections[i], "live-42", "user" + i, "User " + i)).AsTask().GetAwaiter().GetResult();
            _messages[i] = Encoding.UTF8.GetBytes($$"""{"action":"message","message":"Great stream today, number {{i}} says hello to everyone"}""");
        }
    }

    [Benchmark]
    public ValueTask Message()
    {
        var i = _next++ % Users;
        return _pipeline.MessageAsync(_connections[i], _messages[i]);
    }

    [Benchmark]
    public ValueTask Ping() => _pipeline.MessageAsync(_connections[_next++ % Users], _ping);

    [Benchmark]
    public ValueTask History() => _pipeline.MessageAsync(_connections[_next++ % Users], _history);

    private sealed class NoIoBroadcaster : IChatBroadcaster
    {
        public Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new BroadcastResult(Users));

        public Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
            Task.FromResult(new BroadcastResult(1));
    }
}
