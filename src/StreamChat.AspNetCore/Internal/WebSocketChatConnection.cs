using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// One accepted WebSocket: a bounded outbound queue drained by a single writer, so senders never
/// wait on this socket. A full queue means the client cannot keep up: it is closed, not waited on.
/// </summary>
internal sealed partial class WebSocketChatConnection : IDisposable
{
    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _outbound;
    private readonly CancellationTokenSource _abort = new();
    private readonly TimeSpan _closeTimeout;
    private readonly ILogger _logger;
    private int _closing;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = string.Empty;

    public WebSocketChatConnection(string connectionId, string streamId, WebSocket socket, int queueCapacity, TimeSpan closeTimeout, ILogger logger)
    {
        ConnectionId = connectionId;
        StreamId = streamId;
        _socket = socket;
        _closeTimeout = closeTimeout;
        _logger = logger;
        _outbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

        // Aborting the socket ends any pending receive or send at once.
        _abort.Token.Register(static state => ((WebSocket)state!).Abort(), socket);
    }

    public string ConnectionId { get; }

    public string StreamId { get; }

    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <summary>Fires once when the connection starts closing for any reason.</summary>
    public event Action<WebSocketChatConnection>? Closing;

    /// <summary>Queues a frame without waiting. Returns false if the connection is closing or could not keep up.</summary>
    public bool TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (IsClosing)
        {
            return false;
        }

        if (_outbound.Writer.TryWrite(frame))
        {
            return true;
        }

        Log.SlowConsumer(_logger, ConnectionId);
        BeginClose(WebSocketCloseStatus.PolicyViolation, "Too slow: the send queue is full.");
        return false;
    }

    /// <summary>
    /// Starts closing: queued frames are dropped, a close frame is sent, and the socket is aborted if the
    /// handshake does not finish within the close timeout. Never waits.
    /// </summary>
    public void BeginClose(WebSocketCloseStatus status, string description)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _closeStatus = status;
        _closeDescription = description;
        _outbound.Writer.TryComplete();
        try
        {
            _abort.CancelAfter(_closeTimeout);
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }

        Closing?.Invoke(this);
    }

    /// <summary>Drains the queue to the socket until the connection closes.</summary>
    public async Task RunWriterAsync()
    {
        var reader = _outbound.Reader;
        try
        {
            // No token on the hot path: a cancellable wait or send allocates per call (1,000 recipients, 1,000 times),
            // while BeginClose completes the queue (ending the wait) and the abort token aborts the socket (ending a send).
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (!IsClosing && reader.TryRead(out var frame))
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                }

                if (IsClosing)
                {
                    break;
                }
            }

            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeDescription, _abort.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted: the close handshake timed out or the request ended.
        }
        catch (WebSocketException ex)
        {
            Log.SendFailed(_logger, ConnectionId, ex);
            BeginClose(WebSocketCloseStatus.InternalServerError, string.Empty);
        }
        catch (ObjectDisposedException)
        {
            // The socket was torn down under us.
        }
    }

    /// <summary>Aborts the socket now (the request is over).</summary>
    public void Abort()
    {
        BeginClose(WebSocketCloseStatus.NormalClosure, string.Empty);
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _abort.Dispose();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} could not keep up with its stream and is being closed.", EventName = "SlowConsumer")]
        public static partial void SlowConsumer(ILogger logger, string connectionId);

        [LoggerMessage(2, LogLevel.Debug, "Sending to connection {ConnectionId} failed.", EventName = "SendFailed")]
        public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);
    }
}
