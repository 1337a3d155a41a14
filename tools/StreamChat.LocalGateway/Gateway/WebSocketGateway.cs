using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StreamChat.LocalGateway.Lambda;

namespace StreamChat.LocalGateway.Gateway;

/// <summary>
/// The WebSocket API as clients and functions see it. A handshake on <c>/STAGE</c> runs the $connect route and
/// completes only when it returns 2xx (otherwise the handshake gets the returned status); each message is routed by
/// the route selection expression (<c>$request.body.action</c>) to its route or <c>$default</c> and invoked without
/// waiting for the previous one (API Gateway does not serialize a connection's messages); every close runs
/// $disconnect. The Management API on <c>/STAGE/@connections/{id}</c> (POST, GET, DELETE) checks SigV4 signatures for
/// <c>execute-api</c> and answers 410 for a connection that is not open, including one whose $connect still runs.
/// </summary>
internal sealed partial class WebSocketGateway
{
    private readonly ConcurrentDictionary<string, GatewayConnection> _connections = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, LambdaFunction> _routes;
    private readonly string _routeSelectionExpression;
    private readonly GatewayLimits _limits;
    private readonly SigV4Check _signatures;
    private readonly ILogger _logger;
    private readonly string _stage;
    private readonly string _apiId;

    public WebSocketGateway(
        IReadOnlyDictionary<string, LambdaFunction> routes, string routeSelectionExpression, string stage, string apiId, GatewayLimits limits, SigV4Check signatures, ILogger logger)
    {
        if (!routeSelectionExpression.StartsWith("$request.body.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Route selection expression '{routeSelectionExpression}': the local gateway supports $request.body.PATH.");
        }

        _routes = routes;
        _routeSelectionExpression = routeSelectionExpression;
        _stage = stage;
        _apiId = apiId;
        _limits = limits;
        _signatures = signatures;
        _logger = logger;
    }

    /// <summary>Gets the number of connections that are connecting or open.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Answers a request on <c>/STAGE</c> (a handshake) or <c>/STAGE/@connections/{id}</c> (the Management API).</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var managementPrefix = $"/{_stage}/@connections/";
        if (path.StartsWith(managementPrefix, StringComparison.Ordinal))
        {
            await ManageAsync(context, Uri.UnescapeDataString(path[managementPrefix.Length..]));
        }
        else if (path.TrimEnd('/') == "/" + _stage)
        {
            await ConnectAsync(context);
        }
        else
        {
            await JsonAsync(context, StatusCodes.Status404NotFound, new JsonObject { ["message"] = "Not Found" });
        }
    }

    private async Task ConnectAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await JsonAsync(context, StatusCodes.Status426UpgradeRequired, new JsonObject { ["message"] = "This is a WebSocket API: connect with ws://" });
            return;
        }

        var connection = new GatewayConnection(WebSocketEvents.NewId(10), context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1", context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null);
        var events = Events(context);
        _connections[connection.Id] = connection; // connecting: posts to it get 410 until $connect returns 2xx
        string? subProtocol = null;
        try
        {
            if (_routes.TryGetValue("$connect", out var connect))
            {
                var result = await connect.InvokeAsync(events.Connect(connection, context.Request).ToJsonString(), context.RequestAborted);
                if (!result.Succeeded)
                {
                    Log.ConnectFailed(_logger, connection.Id);
                    await JsonAsync(context, StatusCodes.Status500InternalServerError, new JsonObject { ["message"] = "Internal server error" });
                    return;
                }

                var (status, headers, body) = ProxyResponse(result.Payload);
                if (status is < 200 or > 299)
                {
                    Log.ConnectRefused(_logger, connection.Id, status);
                    context.Response.StatusCode = status;
                    if (body is { Length: > 0 })
                    {
                        await context.Response.WriteAsync(body);
                    }

                    return;
                }

                subProtocol = headers.TryGetValue("Sec-WebSocket-Protocol", out var protocol) ? protocol : null;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = subProtocol, KeepAliveInterval = TimeSpan.Zero });
            connection.Opened(socket);
            Log.Connected(_logger, connection.Id);
            var closeStatus = await ReceiveAsync(connection, socket, events);
            await DisconnectAsync(connection, events, closeStatus);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
        }
    }

    /// <summary>Reads messages until the socket closes; returns the close status and reason $disconnect reports.</summary>
    private async Task<(int Status, string Reason)> ReceiveAsync(GatewayConnection connection, WebSocket socket, WebSocketEvents events)
    {
        using var watchdog = new CancellationTokenSource();
        var watching = WatchAsync(connection, watchdog.Token);
        var buffer = ArrayPool<byte>.Shared.Rent(_limits.MaxFrameBytes + 1);
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // The client's close, answered; or the client's answer to the gateway's own close.
                    var byGateway = connection.GatewayClose;
                    await connection.CloseAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, string.Empty);
                    return byGateway ?? ((int)(socket.CloseStatus ?? WebSocketCloseStatus.Empty), socket.CloseStatusDescription ?? string.Empty);
                }

                // One receive never spans two frames, so more than the frame limit in one read is a frame over it.
                if (received.Count > _limits.MaxFrameBytes || message.WrittenCount + received.Count > _limits.MaxMessageBytes)
                {
                    await connection.CloseAsync(WebSocketCloseStatus.MessageTooBig, "Message too big");
                    continue;
                }

                message.Write(buffer.AsSpan(0, received.Count));
                if (!received.EndOfMessage)
                {
                    continue;
                }

                connection.Touch();
                var bytes = message.WrittenSpan.ToArray();
                message.Clear();
                _ = DispatchAsync(connection, events, bytes, received.MessageType == WebSocketMessageType.Binary);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return connection.GatewayClose ?? ((int)WebSocketCloseStatus.EndpointUnavailable, "Going away");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await watchdog.CancelAsync();
            await watching;
        }
    }

    /// <summary>The idle time-out and the maximum connection duration: the gateway closes with 1001, as API Gateway does.</summary>
    private async Task WatchAsync(GatewayConnection connection, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(_limits.IdleTimeout.TotalMilliseconds, _limits.MaxConnectionDuration.TotalMilliseconds) / 4, 50, 1_000));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = DateTimeOffset.UtcNow;
                if (now - connection.ConnectedAt >= _limits.MaxConnectionDuration || now - connection.LastActiveAt >= _limits.IdleTimeout)
                {
                    Log.TimedOut(_logger, connection.Id);
                    await connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Going away");
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the connection closed first
        }
    }

    private async Task DispatchAsync(GatewayConnection connection, WebSocketEvents events, byte[] bytes, bool binary)
    {
        var text = binary ? null : Encoding.UTF8.GetString(bytes);
        var routeKey = SelectRoute(text);
        if (routeKey is null || !_routes.TryGetValue(routeKey, out var function))
        {
            await ErrorToClientAsync(connection, "Forbidden");
            return;
        }

        var evt = events.Message(connection, routeKey, text ?? Convert.ToBase64String(bytes), isBase64Encoded: binary);
        var result = await function.InvokeAsync(evt.ToJsonString());
        if (!result.Succeeded)
        {
            await ErrorToClientAsync(connection, "Internal server error");
        }
    }

    /// <summary>The route key the expression picks, <c>$default</c> when it picks none, or <see langword="null"/> when there is no $default either.</summary>
    internal string? SelectRoute(string? body)
    {
        var path = _routeSelectionExpression["$request.body.".Length..].Split('.');
        if (body is not null)
        {
            try
            {
                var node = JsonNode.Parse(body);
                foreach (var name in path)
                {
                    node = node is JsonObject obj && obj.TryGetPropertyValue(name, out var child) ? child : null;
                }

                if (node is JsonValue value && value.TryGetValue<string>(out var key) && !key.StartsWith('$') && _routes.ContainsKey(key))
                {
                    return key;
                }
            }
            catch (JsonException)
            {
                // not JSON: the expression cannot be evaluated, so $default
            }
        }

        return _routes.ContainsKey("$default") ? "$default" : null;
    }

    private async Task DisconnectAsync(GatewayConnection connection, WebSocketEvents events, (int Status, string Reason) close)
    {
        _connections.TryRemove(connection.Id, out _);
        Log.Disconnected(_logger, connection.Id, close.Status);
        if (_routes.TryGetValue("$disconnect", out var disconnect))
        {
            var result = await disconnect.InvokeAsync(events.Disconnect(connection, close.Status, close.Reason).ToJsonString());
            if (!result.Succeeded)
            {
                Log.DisconnectFailed(_logger, connection.Id);
            }
        }
    }

    private static Task<bool> ErrorToClientAsync(GatewayConnection connection, string message) =>
        connection.SendAsync(
            Encoding.UTF8.GetBytes(new JsonObject { ["message"] = message, ["connectionId"] = connection.Id, ["requestId"] = WebSocketEvents.NewId(12) }.ToJsonString()),
            WebSocketMessageType.Text,
            CancellationToken.None);

    private async Task ManageAsync(HttpContext context, string connectionId)
    {
        var body = await ReadBodyAsync(context.Request, _limits.MaxMessageBytes + 1);
        if (_signatures.Problem(context, body) is { } problem)
        {
            await JsonAsync(context, StatusCodes.Status403Forbidden, new JsonObject { ["message"] = problem });
            return;
        }

        var open = _connections.TryGetValue(connectionId, out var connection) && connection.IsOpen ? connection : null;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (body.Length > _limits.MaxMessageBytes)
            {
                await JsonAsync(context, StatusCodes.Status413PayloadTooLarge, new JsonObject { ["message"] = "Request Too Long" });
                return;
            }

            var type = Utf8Valid(body) ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
            if (open is null || !await open.SendAsync(body, type, context.RequestAborted))
            {
                await GoneAsync(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        else if (HttpMethods.IsGet(context.Request.Method))
        {
            if (open is null)
            {
                await GoneAsync(context);
                return;
            }

            await JsonAsync(context, StatusCodes.Status200OK, new JsonObject
            {
                ["ConnectedAt"] = open.ConnectedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
                ["Identity"] = new JsonObject { ["SourceIp"] = open.SourceIp, ["UserAgent"] = open.UserAgent },
                ["LastActiveAt"] = open.LastActiveAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            });
        }
        else if (HttpMethods.IsDelete(context.Request.Method))
        {
            if (open is null)
            {
                await GoneAsync(context);
                return;
            }

            await open.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        else
        {
            await JsonAsync(context, StatusCodes.Status405MethodNotAllowed, new JsonObject { ["message"] = "Method Not Allowed" });
        }
    }

    private static Task GoneAsync(HttpContext context)
    {
        context.Response.Headers["x-amzn-ErrorType"] = "GoneException";
        return JsonAsync(context, StatusCodes.Status410Gone, new JsonObject { ["message"] = null });
    }

    private WebSocketEvents Events(HttpContext context) => new(_apiId, _stage, context.Request.Host.Host);

    /// <summary>Reads a Lambda proxy response: <c>statusCode</c> (200 when absent), <c>headers</c> and <c>body</c>.</summary>
    internal static (int Status, IReadOnlyDictionary<string, string> Headers, string? Body) ProxyResponse(string payload)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            if (JsonNode.Parse(payload) is not JsonObject response)
            {
                return (200, headers, null);
            }

            if (response["headers"] is JsonObject given)
            {
                foreach (var (name, value) in given)
                {
                    headers[name] = value?.ToString() ?? string.Empty;
                }
            }

            var status = response["statusCode"] is JsonValue code && code.TryGetValue<int>(out var number) ? number : 200;
            return (status, headers, response["body"]?.ToString());
        }
        catch (JsonException)
        {
            return (502, headers, null);
        }
    }

    private static bool Utf8Valid(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0 && buffer.Length <= limit)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task JsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "{ConnectionId}: connected.")]
        public static partial void Connected(ILogger logger, string connectionId);

        [LoggerMessage(2, LogLevel.Information, "{ConnectionId}: $connect refused the handshake with {Status}.")]
        public static partial void ConnectRefused(ILogger logger, string connectionId, int status);

        [LoggerMessage(3, LogLevel.Warning, "{ConnectionId}: $connect failed; the handshake gets 500.")]
        public static partial void ConnectFailed(ILogger logger, string connectionId);

        [LoggerMessage(4, LogLevel.Debug, "{ConnectionId}: closed ({Status}); $disconnect runs.")]
        public static partial void Disconnected(ILogger logger, string connectionId, int status);

        [LoggerMessage(5, LogLevel.Warning, "{ConnectionId}: $disconnect failed.")]
        public static partial void DisconnectFailed(ILogger logger, string connectionId);

        [LoggerMessage(6, LogLevel.Information, "{ConnectionId}: idle time-out or maximum duration reached; closed with 1001.")]
        public static partial void TimedOut(ILogger logger, string connectionId);
    }
}

/// <summary>API Gateway's WebSocket limits, configurable so tests can reach them quickly.</summary>
/// <param name="MaxFrameBytes">The largest frame (32 KB).</param>
/// <param name="MaxMessageBytes">The largest message, in or out (128 KB).</param>
/// <param name="IdleTimeout">How long a connection may go without a message (10 minutes).</param>
/// <param name="MaxConnectionDuration">How long a connection may last (2 hours).</param>
internal sealed record GatewayLimits(int MaxFrameBytes, int MaxMessageBytes, TimeSpan IdleTimeout, TimeSpan MaxConnectionDuration)
{
    public static GatewayLimits ApiGateway { get; } = new(32 * 1024, 128 * 1024, TimeSpan.FromMinutes(10), TimeSpan.FromHours(2));
}
