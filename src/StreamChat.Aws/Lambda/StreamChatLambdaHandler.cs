using System.Buffers;
using System.Security.Claims;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Aws.ApiGateway.Internal;
using StreamChat.Aws.Lambda.Internal;
using StreamChat.Core;
using StreamChat.Core.Identity;
using StreamChat.Core.Pipeline;

namespace StreamChat.Aws.Lambda;

/// <summary>
/// The Lambda entry point for an API Gateway WebSocket API: it reads the proxy event from a <see cref="Stream"/>,
/// routes <c>$connect</c>, <c>$disconnect</c> and every message route to the same <see cref="IChatPipeline"/> the
/// ASP.NET Core host uses, and writes the proxy response. No Amazon.Lambda package is needed: the managed runtime
/// calls <c>Task&lt;Stream&gt; Handler(Stream)</c> methods without a serializer.
/// </summary>
/// <example>
/// <code>
/// public sealed class Function
/// {
///     private readonly StreamChatLambdaHandler _chat = StreamChatLambdaHandler.Create(b =&gt;
///         b.Services.AddStreamChatCore(b.Configuration.GetSection("StreamChat"))
///             .AddDynamoDbStores(b.Configuration.GetSection("StreamChatDynamoDb"))
///             .AddApiGatewayBroadcaster(b.Configuration.GetSection("StreamChatApiGateway")));
///
///     public Task&lt;Stream&gt; HandleAsync(Stream input) =&gt; _chat.HandleAsync(input);
/// }
/// </code>
/// </example>
public sealed partial class StreamChatLambdaHandler : IAsyncDisposable, IDisposable
{
    private static readonly WebSocketResponse Ok = new() { StatusCode = 200 };

    /// <summary>The DI key of an optional <see cref="HttpMessageHandler"/> the JWKS is fetched through.</summary>
    internal const string JwksHandlerServiceKey = "StreamChat.Aws.Jwks";

    private readonly ServiceProvider _provider;
    private readonly IChatPipeline _pipeline;
    private readonly IChatIdentityResolver _identity;
    private readonly JwtTokenValidator? _jwt;
    private readonly StreamChatOptions _chatOptions;
    private readonly StreamChatLambdaOptions _options;
    private readonly HashSet<string> _allowedOrigins;
    private readonly ILogger _logger;

    private StreamChatLambdaHandler(ServiceProvider provider)
    {
        _provider = provider;
        _chatOptions = provider.GetRequiredService<IOptions<StreamChatOptions>>().Value;
        _options = provider.GetRequiredService<IOptions<StreamChatLambdaOptions>>().Value;
        _allowedOrigins = new HashSet<string>(_options.AllowedOrigins.Select(static o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("StreamChat.Aws.Lambda");

        // Resolving the pipeline builds the stores, the broadcaster, the signer and its credentials now, at init.
        _pipeline = provider.GetRequiredService<IChatPipeline>();
        _identity = provider.GetRequiredService<IChatIdentityResolver>();
        _jwt = _options.Jwt.IsEnabled
            ? new JwtTokenValidator(_options.Jwt, provider.GetService<TimeProvider>() ?? TimeProvider.System, provider.GetKeyedService<HttpMessageHandler>(JwksHandlerServiceKey), _logger)
            : null;
    }

    /// <summary>Gets the services the handler was built with.</summary>
    public IServiceProvider Services => _provider;

    /// <summary>
    /// Builds the service provider once (call it from the function class's constructor or a static field, so it runs
    /// during the Lambda init phase) and validates every option then: bad configuration fails the init, not the first message.
    /// </summary>
    /// <param name="configure">Adds StreamChat and its AWS stores, broadcaster and moderators to the builder.</param>
    /// <returns>The handler.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">A required service (such as the broadcaster) is missing.</exception>
    public static StreamChatLambdaHandler Create(Action<StreamChatLambdaBuilder> configure) => Create(configure, contentRoot: null);

    /// <summary>Builds the handler with configuration files read from <paramref name="contentRoot"/>.</summary>
    /// <param name="configure">Adds StreamChat and its AWS stores, broadcaster and moderators to the builder.</param>
    /// <param name="contentRoot">The folder holding an optional <c>appsettings.json</c>; the default is the application's base directory.</param>
    /// <returns>The handler.</returns>
    public static StreamChatLambdaHandler Create(Action<StreamChatLambdaBuilder> configure, string? contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var started = Stopwatch.GetTimestamp();
        var builder = new StreamChatLambdaBuilder(contentRoot);
        configure(builder);
        if (!builder.Services.Any(static d => d.ServiceType == typeof(IChatPipeline)))
        {
            throw new InvalidOperationException(
                "StreamChat is not registered. In the configure callback call builder.Services.AddStreamChatCore(...) and add the API Gateway broadcaster and stores.");
        }

        var provider = builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            // The same check a generic host runs at start: every AddOptionsWithValidateOnStart registration.
            provider.GetService<IStartupValidator>()?.Validate();
            var handler = new StreamChatLambdaHandler(provider);
            Log.Ready(handler._logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return handler;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Handles one API Gateway WebSocket proxy event.</summary>
    /// <param name="input">The event JSON.</param>
    /// <param name="cancellationToken">Cancels the invocation.</param>
    /// <returns>The proxy response JSON: <c>{"statusCode":200}</c>, or a refusal for <c>$connect</c>.</returns>
    /// <remarks>
    /// It returns once the work the invocation deferred is done too (a folded reaction or viewer count due within one
    /// fold interval), since Lambda may freeze the process as soon as the handler returns. Under
    /// <see cref="StreamChatLambdaRuntime"/> the response is posted first and that work finishes after it.
    /// </remarks>
    public async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken = default)
    {
        var response = await HandleWithoutDeferredWorkAsync(input, cancellationToken).ConfigureAwait(false);
        await CompleteDeferredWorkAsync(cancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>Waits for the work earlier invocations deferred.</summary>
    internal Task CompleteDeferredWorkAsync(CancellationToken cancellationToken) => _pipeline.CompleteDeferredWorkAsync(cancellationToken);

    /// <summary>Handles one event and returns its response without waiting for deferred work.</summary>
    internal async Task<Stream> HandleWithoutDeferredWorkAsync(Stream input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        WebSocketEvent? evt;
        try
        {
            evt = await JsonSerializer.DeserializeAsync(input, LambdaJsonContext.Default.WebSocketEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            Log.MalformedEvent(_logger, ex.Message);
            return Write(new WebSocketResponse { StatusCode = 400, Body = "The event is not a JSON API Gateway WebSocket event." });
        }

        var response = await HandleAsync(evt, cancellationToken).ConfigureAwait(false);
        return Write(response);
    }

    internal async Task<WebSocketResponse> HandleAsync(WebSocketEvent? evt, CancellationToken cancellationToken)
    {
        var context = evt?.RequestContext;
        if (evt is null || context is null || string.IsNullOrEmpty(context.ConnectionId))
        {
            Log.MalformedEvent(_logger, "requestContext.connectionId is missing");
            return new WebSocketResponse { StatusCode = 400, Body = "The event has no requestContext.connectionId." };
        }

        if (!string.IsNullOrEmpty(context.DomainName) && !string.IsNullOrEmpty(context.Stage))
        {
            ApiGatewayEndpointScope.Enter(context.DomainName, context.Stage);
        }

        try
        {
            switch (Route(context))
            {
                case "CONNECT":
                    return await ConnectAsync(evt, context.ConnectionId, cancellationToken).ConfigureAwait(false);
                case "DISCONNECT":
                    Log.Disconnected(_logger, context.ConnectionId, context.DisconnectStatusCode, context.DisconnectReason);
                    await _pipeline.DisconnectAsync(context.ConnectionId, cancellationToken).ConfigureAwait(false);
                    return Ok;
                default:
                    await MessageAsync(evt, context.ConnectionId, cancellationToken).ConfigureAwait(false);
                    return Ok;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // An invocation answers 500 and logs; the runtime would only log a less useful stack.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.InvocationFailed(_logger, context.RouteKey, context.ConnectionId, ex);
            return new WebSocketResponse { StatusCode = 500, Body = "Internal error." };
        }
    }

    private static string Route(WebSocketRequestContext context) => context.EventType switch
    {
        "CONNECT" or "DISCONNECT" or "MESSAGE" => context.EventType,
        _ => context.RouteKey switch
        {
            "$connect" => "CONNECT",
            "$disconnect" => "DISCONNECT",
            _ => "MESSAGE",
        },
    };

    private async Task<WebSocketResponse> ConnectAsync(WebSocketEvent evt, string connectionId, CancellationToken cancellationToken)
    {
        if (_allowedOrigins.Count > 0)
        {
            var origin = evt.Header("Origin");
            if (origin is null || !_allowedOrigins.Contains(origin.TrimEnd('/')))
            {
                return Refuse(connectionId, 403, "This origin may not open a chat connection.");
            }
        }

        var token = NonEmpty(evt.Query("token")) ?? NonEmpty(evt.Query("access_token"));
        var user = AuthorizerPrincipal(evt.RequestContext!);
        if (user is null && token is not null && _jwt is not null)
        {
            user = await _jwt.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        }

        var identity = await _identity.ResolveAsync(
            new ChatIdentityRequest
            {
                User = user,
                // A repeated token is ambiguous: presented, and not valid (as on Kestrel).
                TokenPresented = token is not null || evt.IsRepeated("token") || evt.IsRepeated("access_token"),
                QueryUserId = evt.Query("userId"),
                QueryUsername = evt.Query("username"),
                QueryRole = evt.Query("role"),
            },
            cancellationToken).ConfigureAwait(false);
        if (!identity.IsResolved)
        {
            return Refuse(connectionId, identity.StatusCode, identity.Reason!);
        }

        var result = await _pipeline.ConnectAsync(ConnectRequest.For(connectionId, evt.Query("streamId"), identity.Identity!, evt.RequestContext?.Identity?.SourceIp), cancellationToken).ConfigureAwait(false);
        return result.IsAccepted ? Ok : new WebSocketResponse { StatusCode = result.StatusCode, Body = result.Reason };
    }

    /// <summary>A Lambda authorizer's vouching (its <c>principalId</c> and context) as claims; the query string cannot override it.</summary>
    private ClaimsPrincipal? AuthorizerPrincipal(WebSocketRequestContext context)
    {
        var principal = context.AuthorizerValue("principalId");
        if (string.IsNullOrEmpty(principal))
        {
            return null;
        }

        var names = _chatOptions.Identity;
        var claims = new List<Claim> { new(names.UserIdClaimType, principal), new(names.NameClaimType, context.AuthorizerValue(_options.AuthorizerUsernameKey) ?? principal) };
        if (context.AuthorizerValue(names.RoleClaimType) is { Length: > 0 } role)
        {
            claims.Add(new Claim(names.RoleClaimType, role));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "ApiGatewayAuthorizer"));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private WebSocketResponse Refuse(string connectionId, int statusCode, string reason)
    {
        Log.Refused(_logger, connectionId, statusCode, reason);
        return new WebSocketResponse { StatusCode = statusCode, Body = reason };
    }

    private async Task MessageAsync(WebSocketEvent evt, string connectionId, CancellationToken cancellationToken)
    {
        var body = evt.Body ?? string.Empty;
        if (!evt.IsBase64Encoded)
        {
            var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(body.Length));
            try
            {
                var length = Encoding.UTF8.GetBytes(body, bytes);
                await _pipeline.MessageAsync(connectionId, bytes.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }

            return;
        }

        // API Gateway base64-encodes a binary frame; the protocol is text, so it is refused whatever it holds.
        await _pipeline.BinaryFrameAsync(connectionId, cancellationToken).ConfigureAwait(false);
    }

    private static MemoryStream Write(WebSocketResponse response) =>
        new(JsonSerializer.SerializeToUtf8Bytes(response, LambdaJsonContext.Default.WebSocketResponse), writable: false);

    /// <inheritdoc />
    public void Dispose()
    {
        _jwt?.Dispose();
        _provider.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _jwt?.Dispose();
        return _provider.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "StreamChat Lambda handler ready in {ElapsedMs:F0} ms.", EventName = "Ready")]
        public static partial void Ready(ILogger logger, double elapsedMs);

        [LoggerMessage(2, LogLevel.Warning, "Malformed event: {Problem}.", EventName = "MalformedEvent")]
        public static partial void MalformedEvent(ILogger logger, string problem);

        [LoggerMessage(3, LogLevel.Information, "Connection {ConnectionId} refused with {StatusCode}: {Reason}", EventName = "Refused")]
        public static partial void Refused(ILogger logger, string connectionId, int statusCode, string reason);

        [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} disconnected ({CloseCode}, '{CloseReason}').", EventName = "Disconnected")]
        public static partial void Disconnected(ILogger logger, string connectionId, int? closeCode, string? closeReason);

        [LoggerMessage(6, LogLevel.Error, "Handling {RouteKey} for connection {ConnectionId} failed.", EventName = "InvocationFailed")]
        public static partial void InvocationFailed(ILogger logger, string? routeKey, string connectionId, Exception exception);
    }
}
