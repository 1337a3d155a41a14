using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using StreamChat.AspNetCore.Internal;
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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!connection.IsClosing && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(connection.IsClosing);
        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty).DefaultTimeout();
        Assert.False(connection.TryEnqueue(Frame("after failure")));
    }

    private static WebSocketChatConnection Create(ControlledStream stream, int capacity, TimeSpan? closeTimeout = null)
    {
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        return new WebSocketChatConnection("c1", "live", socket, capacity, closeTimeout ?? TimeSpan.FromSeconds(5), new SendPumpScheduler(), NullLogger.Instance);
    }

    private static ReadOnlyMemory<byte> Frame(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// The stream under a server WebSocket: decodes the unmasked frames written to it, can hold writes back (a client
    /// that does not read), and never has anything to read.
    /// </summary>
    private sealed class ControlledStream : Stream
    {
        private readonly ConcurrentQueue<string> _messages = new();
        private readonly object _gate = new();
        private TaskCompletionSource? _held;
        private int _writes;

        public int YieldEveryWrite { get; init; }

        public bool FailWrites { get; set; }

        public Action<string>? OnWrite { get; set; }

        public WebSocketCloseStatus? CloseStatus { get; private set; }

        public List<string> Messages => [.. _messages];

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Hold()
        {
            lock (_gate)
            {
                _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Release()
        {
            TaskCompletionSource? held;
            lock (_gate)
            {
                held = _held;
                _held = null;
            }

            held?.TrySetResult();
        }

        public async Task WaitForMessagesAsync(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (_messages.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (FailWrites)
            {
                throw new IOException("The connection was reset.");
            }

            Record(buffer.Span);
            Task? held;
            lock (_gate)
            {
                held = _held?.Task;
            }

            if (held is not null)
            {
                await held.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (YieldEveryWrite > 0 && Interlocked.Increment(ref _writes) % YieldEveryWrite == 0)
            {
                await Task.Yield();
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        // An aborted WebSocket disposes its stream; like a socket's, a write held there then fails.
        protected override void Dispose(bool disposing)
        {
            TaskCompletionSource? held;
            lock (_gate)
            {
                held = _held;
            }

            held?.TrySetException(new ObjectDisposedException(nameof(ControlledStream)));
            base.Dispose(disposing);
        }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => 0, TaskScheduler.Default);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(ReadAsync(Array.Empty<byte>(), 0, 0, cancellationToken));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        // One unmasked server frame per write: FIN and opcode, then a 7-bit or 16-bit length, then the payload.
        private void Record(ReadOnlySpan<byte> frame)
        {
            var opcode = frame[0] & 0x0F;
            var length = frame[1] & 0x7F;
            var offset = 2;
            if (length == 126)
            {
                length = (frame[2] << 8) | frame[3];
                offset = 4;
            }

            var payload = frame.Slice(offset, length);
            if (opcode == 0x8)
            {
                CloseStatus = (WebSocketCloseStatus)((payload[0] << 8) | payload[1]);
            }
            else
            {
                var message = System.Text.Encoding.UTF8.GetString(payload);
                _messages.Enqueue(message);
                OnWrite?.Invoke(message);
            }
        }
    }
}
