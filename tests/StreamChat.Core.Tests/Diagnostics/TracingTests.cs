using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Diagnostics;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Diagnostics;

/// <summary>Issue 19: spans for connect, message (moderation, store and broadcast as children) and disconnect.</summary>
[Collection(nameof(TracingCollection))]
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly IChatBroadcaster _broadcaster = Substitute.For<IChatBroadcaster>();
    private readonly IMessageStore _messages = Substitute.For<IMessageStore>();

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == StreamChatActivitySource.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _broadcaster.SendToStreamAsync(default!, default, default, default).ReturnsForAnyArgs(new BroadcastResult(2));
        _broadcaster.SendToConnectionAsync(default!, default, default).ReturnsForAnyArgs(new BroadcastResult(1));
    }

    public void Dispose() => _listener.Dispose();

    private IChatPipeline CreateSut()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_broadcaster);
        services.AddSingleton(_messages);
        services.AddStreamChatCore();
        return services.BuildServiceProvider().GetRequiredService<IChatPipeline>();
    }

    private List<Activity> Spans(string connectionId) =>
        [.. _stopped.Where(a => (string?)a.GetTagItem("streamchat.connection_id") == connectionId)];

    [Fact]
    public async Task ConnectMessageDisconnect_EachHaveASpan_MessageHasModerationStoreAndBroadcastChildren()
    {
        var sut = CreateSut();

        Assert.True((await sut.ConnectAsync(new ConnectRequest("c-trace", "s-trace", "ana", "Ana")).DefaultTimeout()).IsAccepted);
        await sut.MessageAsync("c-trace", """{"action":"message","message":"hello"}"""u8.ToArray()).DefaultTimeout();
        await sut.DisconnectAsync("c-trace").DefaultTimeout();

        var spans = Spans("c-trace");
        var connect = Assert.Single(spans, s => s.OperationName == "streamchat.connect");
        Assert.Equal(ActivityKind.Server, connect.Kind);
        Assert.Equal("streamchat", connect.GetTagItem("rpc.system"));
        Assert.Equal("s-trace", connect.GetTagItem("streamchat.stream_id"));
        Assert.Equal(200, connect.GetTagItem("streamchat.connect.status"));
        var message = Assert.Single(spans, s => s.OperationName == "streamchat.message");
        Assert.Equal("message", message.GetTagItem("rpc.method"));
        foreach (var child in new[] { "streamchat.moderation", "streamchat.store", "streamchat.broadcast" })
        {
            Assert.Equal(message.SpanId, Assert.Single(spans, s => s.OperationName == child).ParentSpanId);
        }

        Assert.Equal("allowed", Assert.Single(spans, s => s.OperationName == "streamchat.moderation").GetTagItem("streamchat.moderation.outcome"));
        Assert.Equal(2, Assert.Single(spans, s => s.OperationName == "streamchat.broadcast").GetTagItem("streamchat.recipients"));
        Assert.Single(spans, s => s.OperationName == "streamchat.disconnect");
        Assert.All(spans, s => Assert.NotEqual(ActivityStatusCode.Error, s.Status));
    }

    [Fact]
    public async Task Message_StoreFails_TheMessageSpanIsAnError_WithTheExceptionType()
    {
        _messages.AddAsync(default!, default).ReturnsForAnyArgs(Task.FromException(new TimeoutException("store down")));
        var sut = CreateSut();
        await sut.ConnectAsync(new ConnectRequest("c-fail", "s-fail", "ben", "Ben")).DefaultTimeout();

        await sut.MessageAsync("c-fail", """{"action":"message","message":"hello"}"""u8.ToArray()).DefaultTimeout();

        var message = Assert.Single(Spans("c-fail"), s => s.OperationName == "streamchat.message");
        Assert.Equal(ActivityStatusCode.Error, message.Status);
        Assert.Equal(typeof(TimeoutException).FullName, message.GetTagItem("error.type"));
    }
}

/// <summary>Activity listeners are process-wide; these tests run alone.</summary>
[CollectionDefinition(nameof(TracingCollection), DisableParallelization = true)]
public sealed class TracingCollection;
