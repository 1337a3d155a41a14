using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Identity;
using StreamChat.Core.Pipeline;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// Translates one WebSocket request into pipeline calls: origin and identity at the handshake, connect, register the
/// socket with the broadcaster, one <see cref="IChatPipeline.MessageAsync"/> per frame, disconnect at the end. No chat
/// logic lives here.
/// </summary>
internal sealed partial class WebSocketChatHandler
{
    private readonly IChatPipeline _pipeline;
    private readonly IChatBroadcaster _broadcaster;
    private readonly IChatIdentityResolver _identity;
    private readonly OriginCheck _origins;
    private readonly StreamChatWebSocketOptions _socketOptions;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _logger;
    private readonly SendPumpScheduler _sendScheduler = new();
    private readonly int _maxFrameBytes;

    public WebSocketChatHandler(
        IChatPipeline pipeline,
        IChatBroadcaster broadcaster,
        IChatIdentityResolver identity,
        IOptions<StreamChatOptions> options,
        IOptions<StreamChatWebSocketOptions> socketOptions,
        IHostApplicationLifetime lifetime,
        ILogger<WebSocketChatHandler> logger)
    {
        _pipeline = pipeline;
        _broadcaster = broadcaster;
        _identity = identity;
        _socketOptions = socketOptions.Value;
        _origins = new OriginCheck(_socketOptions.AllowedOrigins, options.Value.AllowDevelopmentIdentity);
        _maxFrameBytes = options.Value.MaxFrameBytes;
        _lifetime = lifetime;
        _logger = logger;
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

        if (!_origins.IsAllowed(context.Request))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "This origin may not open a chat connection.").ConfigureAwait(false);
            return;
        }

        var query = ConnectQuery.Read(context.Request);
        var connectionId = Guid.NewGuid().ToString("N");
        var requestAborted = context.RequestAborted;

        ConnectResult result;
        try
        {
            // Read through the feature: HttpContext.User creates an empty principal when no authentication ran, and that
            // would stay alive with the connection.
            var identity = await _identity.ResolveAsync(
                new ChatIdentityRequest
                {
                    User = context.Features.Get<IHttpAuthenticationFeature>()?.User,
                    TokenPresented = query.HasToken,
                    QueryUserId = query.UserId,
                    QueryUsername = query.Username,
                    QueryRole = query.Role,
                },
                requestAborted).ConfigureAwait(false);
            if (!identity.IsResolved)
            {
                await RefuseAsync(context, identity.StatusCode, identity.Reason!).ConfigureAwait(false);
                return;
            }

            result = await _pipeline.ConnectAsync(ConnectRequest.For(connectionId, query.StreamId, identity.Identity!, context.Connection.RemoteIpAddress?.ToString()), requestAborted).ConfigureAwait(false);
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

            var stored = result.Connection!;
            connection = new WebSocketChatConnection(connectionId, stored.StreamId, stored.UserId, socket, _socketOptions, _sendScheduler, _logger);
            connection.Closing += Unregister;
            connection.Registration = await _broadcaster.RegisterAsync(connection).ConfigureAwait(false);
            if (connection.IsClosing)
            {
                // Closed while registering: the Closing handler found nothing to undo.
                Unregister(connection);
            }

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
                if (connection.Registration is { } registration)
                {
                    await registration.DisposeAsync().ConfigureAwait(false);
                }

                connection.Abort();
                connection.Dispose();
            }

            // The request's token may be cancelled already; the removal must still happen.
            await _pipeline.DisconnectAsync(connectionId, CancellationToken.None).ConfigureAwait(false);
            Log.Closed(_logger, connectionId);
        }
    }

    /// <summary>Stops sends reaching a connection as soon as it starts closing (one delegate for every connection).</summary>
    private static void Unregister(WebSocketChatConnection connection)
    {
        var pending = connection.Registration?.DisposeAsync();
        if (pending is { IsCompletedSuccessfully: false } task)
        {
            _ = task.AsTask();
        }
    }

    private async Task ReceiveLoopAsync(WebSocketChatConnection connection, WebSocket socket, CancellationToken cancellationToken)
    {
        var maxFrame = _maxFrameBytes;
        ArrayBufferWriter<byte>? assembled = null;
        while (!connection.IsClosing)
        {
            // An idle connection holds no receive buffer: a zero-byte read waits for the next frame, and the buffer
            // is rented only while a frame is being read (10,000 idle viewers would otherwise pin 40 MB of buffers).
            // No token on this wait: a cancellable receive keeps a registration for as long as the viewer is idle, and
            // it is not needed, since an aborted request, a close timeout and a shutdown all end the read by aborting
            // the socket.
            var pending = socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
            if (pending.IsCompleted)
            {
                // The next frame is already buffered: this client is sending faster than it is served. Go to the back
                // of the thread pool's queue before handling it, so one flooding connection (or two hundred raiders)
                // takes turns with every other connection instead of holding a thread until its backlog is drained;
                // a moderator's message then waits for one frame per busy connection, not for all of theirs.
                await Task.Yield();
            }

            var header = await pending.ConfigureAwait(false);
            if (header.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            // The protocol is text: a binary frame is read to its end, unkept, and answered with binary_frame.
            var binary = header.MessageType == WebSocketMessageType.Binary;
            if (header.EndOfMessage)
            {
                await HandleFrameAsync(connection, ReadOnlyMemory<byte>.Empty, binary, cancellationToken).ConfigureAwait(false);
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
                        await HandleFrameAsync(connection, buffer.AsMemory(0, received.Count), binary, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                    if (binary)
                    {
                        continue;
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

    private ValueTask HandleFrameAsync(WebSocketChatConnection connection, ReadOnlyMemory<byte> frame, bool binary, CancellationToken cancellationToken) =>
        binary
            ? _pipeline.BinaryFrameAsync(connection.ConnectionId, cancellationToken)
            : _pipeline.MessageAsync(connection.ConnectionId, frame, cancellationToken);

    /// <summary>
    /// The query parameters a connection is opened with, read in one pass. <c>HttpRequest.Query</c> would do too, but
    /// it keeps the parsed collection in the request's features for as long as the socket is open.
    /// </summary>
    private readonly record struct ConnectQuery(string? StreamId, string? UserId, string? Username, string? Role, bool HasToken)
    {
        public static ConnectQuery Read(HttpRequest request)
        {
            string? streamId = null, userId = null, username = null, role = null;
            var hasToken = false;
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
                else if (name.Equals("role", StringComparison.OrdinalIgnoreCase))
                {
                    Take(ref role, pair);
                }
                else if (QueryToken.IsTokenName(name))
                {
                    hasToken |= !pair.EncodedValue.IsEmpty;
                }
            }

            return new ConnectQuery(streamId, userId, username, role, hasToken);
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
    }
}
