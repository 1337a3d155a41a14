using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using StreamChat.Core.Broadcasting;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// One accepted WebSocket and its outbound side. Senders never wait on this socket: a frame goes into a small queue,
/// and a send pump, run by the <see cref="SendPumpScheduler"/>, writes whatever is queued, back to back. Under load
/// the pump finds several frames at once, Kestrel gathers them in the connection's output pipe, and they leave in one
/// socket write. A full queue means the client cannot keep up: it is closed, not waited on. An idle connection holds
/// no writer task, no cancellation source and no queue segment (<see cref="FrameQueue"/>); only this object.
/// </summary>
internal sealed partial class WebSocketChatConnection : ILocalChatConnection, IDisposable
{
    private readonly WebSocket _socket;
    private readonly int _capacity;
    private readonly TimeSpan _closeTimeout;
    private readonly SendPumpScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly FrameQueue _queue = new();
    private bool _sending;
    private bool _drainBeforeClose;
    private int _closing;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = string.Empty;
    private TaskCompletionSource? _closed;
    private Timer? _abortTimer;

    public WebSocketChatConnection(string connectionId, string streamId, string userId, WebSocket socket, StreamChatWebSocketOptions options, SendPumpScheduler scheduler, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SendQueueCapacity, 1);
        ConnectionId = connectionId;
        StreamId = streamId;
        UserId = userId;
        _socket = socket;
        _capacity = options.SendQueueCapacity;
        _closeTimeout = options.CloseTimeout;
        _scheduler = scheduler;
        _logger = logger;
    }

    public string ConnectionId { get; }

    public string StreamId { get; }

    public string UserId { get; }

    /// <summary>Gets or sets the broadcaster registration, undone when the connection starts closing.</summary>
    public IAsyncDisposable? Registration { get; set; }

    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <summary>Fires once when the connection starts closing for any reason.</summary>
    public event Action<WebSocketChatConnection>? Closing;

    /// <inheritdoc />
    public bool TrySend(ReadOnlyMemory<byte> frame) => TryEnqueue(frame);

    /// <inheritdoc />
    public bool Close(int closeCode, string reason)
    {
        var wasClosing = IsClosing;
        _ = CloseAsync((WebSocketCloseStatus)closeCode, reason, drain: true);
        return !wasClosing;
    }

    /// <summary>
    /// Queues a frame without waiting. Returns false if the connection is closing or could not keep up
    /// (it is then being closed).
    /// </summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        bool full, startPump = false;
        lock (_gate)
        {
            if (_closing != 0)
            {
                return false;
            }

            full = _queue.Count == _capacity;
            if (!full)
            {
                _queue.Enqueue(frame);
                startPump = !_sending;
                _sending = true;
            }
        }

        if (full)
        {
            Log.SlowConsumer(_logger, ConnectionId);
            BeginClose(WebSocketCloseStatus.PolicyViolation, "Too slow: the send queue is full.");
            return false;
        }

        if (startPump)
        {
            // Not written here: a broadcast to 1,000 viewers would make 1,000 writes on one thread, and each would become
            // its own socket write. From the pump, frames that met in the queue leave together (measured: written here,
            // capacity fell from 800 to 375 messages per second into 1,000 viewers).
            _scheduler.Schedule(this);
        }

        return true;
    }

    /// <summary>
    /// Starts closing: queued frames are dropped, a close frame is sent after any write in flight, and the socket is
    /// aborted if the handshake does not finish within the close timeout. Never waits.
    /// </summary>
    public void BeginClose(WebSocketCloseStatus status, string description) => _ = CloseAsync(status, description);

    /// <summary>Starts closing as <see cref="BeginClose"/> does; the task completes when the close frame was sent or the socket gave up.</summary>
    public Task CloseAsync(WebSocketCloseStatus status, string description) => CloseAsync(status, description, drain: false);

    /// <summary>
    /// Starts closing; with <paramref name="drain"/> the frames already queued are written first (within the close
    /// time-out), so a last notice such as <c>user_banned</c> reaches the client before the close frame.
    /// </summary>
    private Task CloseAsync(WebSocketCloseStatus status, string description, bool drain)
    {
        bool startPump;
        Task closed;
        lock (_gate)
        {
            if (_closing != 0)
            {
                return _closed!.Task;
            }

            Volatile.Write(ref _closing, 1);
            _closeStatus = status;
            _closeDescription = description;
            _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            closed = _closed.Task;
            _drainBeforeClose = drain;
            if (!drain)
            {
                _queue.Clear();
            }

            startPump = !_sending;
            _sending = true;
            _abortTimer = new Timer(static state => ((WebSocket)state!).Abort(), _socket, _closeTimeout, Timeout.InfiniteTimeSpan);
        }

        // The close frame goes out from the pump, after any write in flight; the owner of that write hands over to it.
        if (startPump)
        {
            _scheduler.Schedule(this);
        }

        Closing?.Invoke(this);
        return closed;
    }

    /// <summary>Aborts the socket now (the request is over).</summary>
    public void Abort()
    {
        BeginClose(WebSocketCloseStatus.NormalClosure, string.Empty);
        _socket.Abort();
    }

    public void Dispose()
    {
        Timer? timer;
        lock (_gate)
        {
            timer = _abortTimer;

            // Frames a failed or aborted pump left behind: their segments go back to the pool.
            _queue.Clear();
        }

        timer?.Dispose();
    }

    /// <summary>
    /// Runs the send pump (scheduled by the first frame into an idle queue, or by a close). Returns when the pump is
    /// done or has to wait for a write; it then goes on by itself.
    /// </summary>
    internal void RunPump() => _ = PumpAsync();

    /// <summary>Owns the send side until the queue is empty: writes the queued frames back to back, and the close frame once closing.</summary>
    private async Task PumpAsync()
    {
        try
        {
            // No token on the hot path: a cancellable send allocates per call, while a close aborts the socket instead.
            while (true)
            {
                ReadOnlyMemory<byte> frame;
                lock (_gate)
                {
                    if (_closing != 0 && !_drainBeforeClose)
                    {
                        break;
                    }

                    if (!_queue.TryDequeue(out frame))
                    {
                        if (_closing != 0)
                        {
                            break;
                        }

                        _sending = false;
                        return;
                    }
                }

                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeDescription, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted: the close handshake timed out or the request ended.
        }
        catch (WebSocketException ex)
        {
            Log.SendFailed(_logger, ConnectionId, ex);
        }
        catch (ObjectDisposedException)
        {
            // The socket was torn down under us.
        }
#pragma warning disable CA1031 // Nothing awaits the pump: log anything unexpected rather than lose it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PumpFailed(_logger, ConnectionId, ex);
        }

        // Ended by a close or a failure: the connection is finished either way.
        BeginClose(WebSocketCloseStatus.InternalServerError, string.Empty);
        TaskCompletionSource? closed;
        lock (_gate)
        {
            closed = _closed;
        }

        closed?.TrySetResult();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} could not keep up with its stream and is being closed.", EventName = "SlowConsumer")]
        public static partial void SlowConsumer(ILogger logger, string connectionId);

        [LoggerMessage(2, LogLevel.Debug, "Sending to connection {ConnectionId} failed.", EventName = "SendFailed")]
        public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(3, LogLevel.Error, "The send pump of connection {ConnectionId} failed unexpectedly.", EventName = "PumpFailed")]
        public static partial void PumpFailed(ILogger logger, string connectionId, Exception exception);
    }
}
