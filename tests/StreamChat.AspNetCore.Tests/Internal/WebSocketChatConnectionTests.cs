using System.Net.WebSockets;
using StreamChat.AspNetCore.Internal;
using StreamChat.AspNetCore.Tests.Infrastructure;
using static StreamChat.AspNetCore.Tests.Infrastructure.TestConnections;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Internal;

/// <summary>
/// The outbound side of one connection, over a real server-side WebSocket whose stream the test controls: writes
/// can be held back to play a client that reads slowly.
/// </summary>
public sealed class WebSocketChatConnectionTests
{
    [Fact]
    public async Task Frames_AreSent_InOrder()
    {
        var stream = new ControlledStream();
        using var connection = Create(stream, capacity: 4);

        Assert.True(connection.TryEnqueue(Frame("one")));
        Assert.True(connection.TryEnqueue(Frame("two")));

        await stream.WaitForMessagesAsync(2);
        Assert.Equal(["one", "two"], stream.Messages);
    }

    [Fact]
    public async Task FramesQueuedBehindASlowWrite_LeaveInOrder_WhenItCompletes()
    {
        var stream = new ControlledStream();
        using var connection = Create(stream, capacity: 16);
        stream.Hold();

        Assert.True(connection.TryEnqueue(Frame("0")));
        await stream.WaitForMessagesAsync(1);
        for (var i = 1; i < 10; i++)
        {
            Assert.True(connection.TryEnqueue(Frame(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        // Only the first write has started; the rest wait for it.
        await Task.Delay(50);
        Assert.Single(stream.Messages);
        stream.Release();

        await stream.WaitForMessagesAsync(10);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), stream.Messages);
        Assert.False(connection.IsClosing);
    }

    [Fact]
    public async Task FrameQueuedDuringAWrite_IsSentAfterIt()
    {
        var stream = new ControlledStream();
        using var connection = Create(stream, capacity: 4);
        stream.OnWrite = message =>
        {
            // Another broadcaster hands a frame over while the first write is still in progress.
            if (message == "first")
            {
                Assert.True(connection.TryEnqueue(Frame("second")));
            }
        };

        Assert.True(connection.TryEnqueue(Frame("first")));

        await stream.WaitForMessagesAsync(2);
        Assert.Equal(["first", "second"], stream.Messages);
    }

    [Fact]
    public async Task ManyConcurrentSenders_LoseNothing_AndKeepEachSendersOrder()
    {
        var stream = new ControlledStream { YieldEveryWrite = 3 };
        using var connection = Create(stream, capacity: 10_000);
        const int senders = 4, perSender = 500;

        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < perSender; i++)
            {
                Assert.True(connection.TryEnqueue(Frame($"{s}:{i}")));
            }
        })));

        await stream.WaitForMessagesAsync(senders * perSender);
        var messages = stream.Messages;
        Assert.Equal(senders * perSender, messages.Count);
        for (var s = 0; s < senders; s++)
        {
            var mine = messages.Where(m => m.StartsWith($"{s}:", StringComparison.Ordinal)).Select(m => int.Parse(m[(m.IndexOf(':', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, perSender), mine);
        }
    }

    [Fact]
    public async Task FullQueue_ClosesTheConnection_WithPolicyViolation_AndRefusesMore()
    {
        var stream = new ControlledStream();
        using var connection = Create(stream, capacity: 3, closeTimeout: TimeSpan.FromSeconds(30));
        var closing = 0;
        connection.Closing += _ => Interlocked.Increment(ref closing);
        stream.Hold();

        Assert.True(connection.TryEnqueue(Frame("in flight")));
        await stream.WaitForMessagesAsync(1);
        Assert.True(connection.TryEnqueue(Frame("a")));
        Assert.True(connection.TryEnqueue(Frame("b")));
        Assert.True(connection.TryEnqueue(Frame("c")));
        Assert.False(connection.TryEnqueue(Frame("one too many")));

        Assert.True(connection.IsClosing);
        Assert.Equal(1, closing);
        Assert.False(connection.TryEnqueue(Frame("after close")));

        // The write in flight finishes; the queued frames are dropped and the close frame follows it.
        stream.Release();
        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty).DefaultTimeout();
        Assert.Equal(["in flight"], stream.Messages);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, stream.CloseStatus);
        Assert.Equal(1, closing);
    }

    [Fact]
    public async Task CloseOfAnIdleConnection_SendsTheCloseFrame_AndCompletes()
    {
        var stream = new ControlledStream();
        using var connection = Create(stream, capacity: 4);
        Assert.True(connection.TryEnqueue(Frame("hello")));
        await stream.WaitForMessagesAsync(1);

        await connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away").DefaultTimeout();

        Assert.Equal(["hello"], stream.Messages);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, stream.CloseStatus);
        Assert.False(connection.TryEnqueue(Frame("late")));
    }

    [Fact]
    public async Task WriteThatNeverCompletes_IsAborted_AfterTheCloseTimeout()
    {
        var stream = new ControlledStream();
        using var connection = Create(stream, capacity: 4, closeTimeout: TimeSpan.FromMilliseconds(200));
        stream.Hold();
        Assert.True(connection.TryEnqueue(Frame("stuck")));
        await stream.WaitForMessagesAsync(1);

        var closed = connection.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty);
        Assert.False(closed.IsCompleted);

        // The client never reads: the abort timer ends the write, and the close completes without a close frame.
        await closed.DefaultTimeout();
        Assert.Null(stream.CloseStatus);
    }

    [Fact]
    public async Task FailedWrite_ClosesTheConnection()
    {
        var stream = new ControlledStream();
        using var connection = Create(stream, capacity: 4);
        stream.FailWrites = true;

        Assert.True(connection.TryEnqueue(Frame("lost")));

        // The pump's write fails, and the connection starts closing on its own.
        await WaitUntilAsync(() => connection.IsClosing);

        Assert.True(connection.IsClosing);
        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty).DefaultTimeout();
        Assert.False(connection.TryEnqueue(Frame("after failure")));
    }

    private static WebSocketChatConnection Create(ControlledStream stream, int capacity, TimeSpan? closeTimeout = null) =>
        TestConnections.Create(stream, new SendPumpScheduler(), capacity, closeTimeout);
}
