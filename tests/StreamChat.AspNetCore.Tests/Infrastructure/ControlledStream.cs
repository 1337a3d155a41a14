using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace StreamChat.AspNetCore.Tests.Infrastructure;

/// <summary>
/// The stream under a server WebSocket: decodes the unmasked frames written to it, can hold writes back (a client
/// that does not read), and never has anything to read.
/// </summary>
internal sealed class ControlledStream : Stream
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

    public int MessageCount => _messages.Count;

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

    public Task WaitForMessagesAsync(int count) => TestConnections.WaitUntilAsync(() => _messages.Count >= count);

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
