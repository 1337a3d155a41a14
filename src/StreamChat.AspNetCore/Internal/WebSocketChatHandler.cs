using System.Buffers;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Pipeline;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// Translates one WebSocket request into pipeline calls: connect at the handshake, one
/// <see cref="IChatPipeline.MessageAsync"/> per frame, disconnect at the end. No chat logic lives here.
/// </summary>
internal sealed partial class WebSocketChatHandler
{
    private readonly IChatPipeline _pipeline;
    private readonly LocalChatBroadcaster _broadcaster;
    private readonly StreamChatOptions _options;
    private readonly StreamChatWebSocketOptions _socketOptions;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly SendPumpScheduler _sendScheduler = new();

    // One delegate for every connection, rather than one per connection.
    private readonly Action<WebSocketChatConnection> _removeFromBroadcaster;

    public WebSocketChatHandler(
        IChatPipeline pipeline,
        LocalChatBroadcaster broadcaster,
        IOptions<StreamChatOptions> options,
        IOptions<StreamChatWebSocketOptions> socketOptions,
        IHostApplicationLifetime lifetime,
        ILoggerFactory loggerFactory)
    {
        _pipeline = pipeline;
        _broadcaster = broadcaster;
        _options = options.Value;
        _socketOptions = socketOptions.Value;
        _lifetime = lifetime;
        _logger = loggerFactory.CreateLogger<WebSocketChatHandler>();
        _removeFromBroadcaster = broadcaster.Remove;

        // Framework callback: closes every socket with "going away" so clients see a clean close, not a reset.
        _lifetime.ApplicationStopping.Register(static state => ((WebSocketChatHandler)state!).CloseAll(), this);
    }

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "This endpoint accepts WebSocket connections only.").ConfigureAwait(false);
            return;
        }

        if (_lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "The server is shutting down.").ConfigureAwait(false);
            return;
        }

        var query = ConnectQuery.Read(context.Request);
        if (!TryResolveIdentity(context, query, out var userId, out var username, out var refusal))
        {
            await RefuseAsync(context, refusal.StatusCode, refusal.Reason).ConfigureAwait(false);
            return;
        }

        var streamId = query.StreamId;
        var connectionId = Guid.NewGuid().ToString("N");
        var requestAborted = context.RequestAborted;

        ConnectResult result;
        try
        {
            result = await _pipeline.ConnectAsync(new ConnectRequest(connectionId, streamId, userId, username), requestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (requestAborted.IsCancellationRequested)
        {
            return;
        }

        if (!result.IsAccepted)
        {
            await RefuseAsync(context, result.StatusCode, result.Reason!).ConfigureAwait(false);
            return;
        }

        WebSocketChatConnection? connection = null;
        try
        {
            var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                KeepAliveInterval = _socketOptions.KeepAliveInterval,
            }).ConfigureAwait(false);

            connection = new WebSocketChatConnection(connectionId, result.Connection!.StreamId, socket, _socketOptions.SendQueueCapacity, _socketOptions.CloseTimeout, _sendScheduler, _logger);
            connection.Closing += _removeFromBroadcaster;
            _broadcaster.Add(connection);
            Log.Accepted(_logger, connectionId);

            // Kestrel can deliver at once, so the welcome goes out at open; a later hello gets another.
            await _pipeline.WelcomeAsync(connectionId, requestAborted).ConfigureAwait(false);
            await ReceiveLoopAsync(connection, socket, requestAborted).ConfigureAwait(false);

            await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The request was aborted or the server is stopping: control flow, not an error.
        }
        catch (WebSocketException ex)
        {
            Log.SocketFailed(_logger, connectionId, ex);
        }
#pragma warning disable CA1031 // The loop is the boundary: log once, close the socket, never crash the server.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionFailed(_logger, connectionId, ex);
            connection?.BeginClose(WebSocketCloseStatus.InternalServerError, "Internal error.");
        }
        finally
        {
            if (connection is not null)
            {
                _broadcaster.Remove(connection);
                connection.Abort();
                connection.Dispose();
            }

            // The request's token may be cancelled already; the removal must still happen.
            await _pipeline.DisconnectAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
            Log.Closed(_logger, connectionId);
        }
    }

    private async Task ReceiveLoopAsync(WebSocketChatConnection connection, WebSocket socket, CancellationToken cancellationToken)
    {
        var maxFrame = _options.MaxFrameBytes;
        ArrayBufferWriter<byte>? assembled = null;
        while (!connection.IsClosing)
        {
            // An idle connection holds no receive buffer: a zero-byte read waits for the next frame, and the buffer
            // is rented only while a frame is being read (10,000 idle viewers would otherwise pin 40 MB of buffers).
            // No token on this wait: a cancellable receive keeps a registration for as long as the viewer is idle, and
            // it is not needed, since an aborted request, a close timeout and a shutdown all end the read by aborting
            // the socket.
            var header = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            if (header.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            if (header.EndOfMessage)
            {
                await _pipeline.MessageAsync(connection.ConnectionId, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(_socketOptions.ReceiveBufferSize);
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    // Fast path: a whole frame in one read needs no copy.
                    if (received.EndOfMessage && (assembled is null || assembled.WrittenCount == 0))
                    {
                        await _pipeline.MessageAsync(connection.ConnectionId, buffer.AsMemory(0, received.Count), cancellationToken).ConfigureAwait(false);
                        break;
                    }

                    assembled ??= new ArrayBufferWriter<byte>(buffer.Length * 2);

                    // Keep at most MaxFrameBytes + 1 bytes: enough for the pipeline to see the frame is too large.
                    var room = maxFrame + 1 - assembled.WrittenCount;
                    if (room > 0)
                    {
                        assembled.Write(buffer.AsSpan(0, Math.Min(room, received.Count)));
                    }

                    if (received.EndOfMessage)
                    {
                        await _pipeline.MessageAsync(connection.ConnectionId, assembled.WrittenMemory, cancellationToken).ConfigureAwait(false);
                        assembled.ResetWrittenCount();
                        if (assembled.Capacity > buffer.Length * 4)
                        {
                            // Do not keep a large buffer alive on an idle connection.
                            assembled = null;
                        }

                        break;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private bool TryResolveIdentity(HttpContext context, ConnectQuery query, out string? userId, out string? username, out (int StatusCode, string Reason) refusal)
    {
        refusal = default;

        // Read through the feature: HttpContext.User creates an empty principal when no authentication ran, and that
        // would stay alive with the connection.
        var user = context.Features.Get<IHttpAuthenticationFeature>()?.User;
        if (user?.Identity?.IsAuthenticated == true)
        {
            userId = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
            username = user.FindFirst("name")?.Value ?? user.Identity.Name ?? userId;
            return true;
        }

        if (_options.AllowDevelopmentIdentity)
        {
            userId = query.UserId;
            username = query.Username;
            return true;
        }

        userId = null;
        username = null;
        refusal = (StatusCodes.Status401Unauthorized, "Authentication is required. (For local development, set StreamChat:AllowDevelopmentIdentity to true to take userId and username from the query string.)");
        return false;
    }

    /// <summary>
    /// The query parameters a connection is opened with, read in one pass. <c>HttpRequest.Query</c> would do too, but
    /// it keeps the parsed collection in the request's features for as long as the socket is open.
    /// </summary>
    private readonly record struct ConnectQuery(string? StreamId, string? UserId, string? Username)
    {
        public static ConnectQuery Read(HttpRequest request)
        {
            string? streamId = null, userId = null, username = null;
            foreach (var pair in new QueryStringEnumerable(request.QueryString.Value))
            {
                var name = pair.DecodeName().Span;
                if (name.Equals("streamId", StringComparison.OrdinalIgnoreCase))
                {
                    Take(ref streamId, pair);
                }
                else if (name.Equals("userId", StringComparison.OrdinalIgnoreCase))
                {
                    Take(ref userId, pair);
                }
                else if (name.Equals("username", StringComparison.OrdinalIgnoreCase))
                {
                    Take(ref username, pair);
                }
            }

            return new ConnectQuery(streamId, userId, username);
        }

        // A repeated parameter is ambiguous, so it counts as invalid (empty), not as its first value.
        private static void Take(ref string? slot, QueryStringEnumerable.EncodedNameValuePair pair) =>
            slot = slot is null ? pair.DecodeValue().ToString() : string.Empty;
    }

    private static async Task RefuseAsync(HttpContext context, int statusCode, string reason)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
    }

    private void CloseAll()
    {
        var connections = _broadcaster.Snapshot();
        if (connections.Count > 0)
        {
            Log.ClosingAll(_logger, connections.Count);
        }

        foreach (var connection in connections)
        {
            connection.BeginClose(WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "WebSocket connection {ConnectionId} accepted.", EventName = "Accepted")]
        public static partial void Accepted(ILogger logger, string connectionId);

        [LoggerMessage(2, LogLevel.Debug, "WebSocket connection {ConnectionId} closed.", EventName = "Closed")]
        public static partial void Closed(ILogger logger, string connectionId);

        [LoggerMessage(3, LogLevel.Debug, "WebSocket connection {ConnectionId} ended with a socket error.", EventName = "SocketFailed")]
        public static partial void SocketFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(4, LogLevel.Error, "WebSocket connection {ConnectionId} failed unexpectedly and was closed.", EventName = "ConnectionFailed")]
        public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(5, LogLevel.Information, "Server stopping: closing {Count} chat connections.", EventName = "ClosingAll")]
        public static partial void ClosingAll(ILogger logger, int count);
    }
}
