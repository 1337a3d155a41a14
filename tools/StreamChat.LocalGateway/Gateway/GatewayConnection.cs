using System.Net.WebSockets;

namespace StreamChat.LocalGateway.Gateway;

/// <summary>One client connection as API Gateway tracks it: connecting while its $connect runs, then open, then gone.</summary>
/// <remarks>Its semaphore never allocates a wait handle (only WaitAsync is used), so nothing needs disposing.</remarks>
#pragma warning disable CA1001 // see remarks
internal sealed class GatewayConnection(string id, string sourceIp, string? userAgent)
{
    private readonly SemaphoreSlim _send = new(1, 1);
    private WebSocket? _socket;
    private long _lastActiveTicks = DateTimeOffset.UtcNow.UtcTicks;
    private int _closeRequested;

    public string Id { get; } = id;

    public string SourceIp { get; } = sourceIp;

    public string? UserAgent { get; } = userAgent;

    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    public DateTimeOffset LastActiveAt => new(Interlocked.Read(ref _lastActiveTicks), TimeSpan.Zero);

    /// <summary>Gets a value indicating whether the socket is open (its $connect returned 2xx and it has not closed).</summary>
    public bool IsOpen => _socket is { State: WebSocketState.Open } && Volatile.Read(ref _closeRequested) == 0;

    /// <summary>The close status the gateway chose (DeleteConnection, idle time-out, maximum duration), for $disconnect.</summary>
    public (int Status, string Reason)? GatewayClose { get; private set; }

    public void Opened(WebSocket socket)
    {
        _socket = socket;
        Touch();
    }

    public void Touch() => Interlocked.Exchange(ref _lastActiveTicks, DateTimeOffset.UtcNow.UtcTicks);

    /// <summary>Sends one message, in the order the posts arrived; <see langword="false"/> when the connection is gone.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _send.WaitAsync(cancellationToken);
        try
        {
            if (!IsOpen)
            {
                return false;
            }

            await _socket!.SendAsync(data, type, endOfMessage: true, cancellationToken);
            Touch();
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Starts the closing handshake from the gateway's side; the receive loop then ends and $disconnect runs.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0 || _socket is null)
        {
            return;
        }

        GatewayClose = ((int)status, reason);
        await _send.WaitAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(status, reason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            _socket.Abort();
        }
        finally
        {
            _send.Release();
        }
    }
}
#pragma warning restore CA1001
