using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.Aws.ApiGateway.Internal;
using StreamChat.Aws.DynamoDb;
using StreamChat.Aws.Lambda;
using StreamChat.Core;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Infrastructure;

/// <summary>
/// The AWS host as API Gateway drives it: the real <see cref="StreamChatLambdaHandler"/> gets realistic WebSocket
/// proxy events, its stores are on dynalite, and its posts to
/// https://abc123defg.execute-api.eu-west-2.amazonaws.com/prod/@connections/{id} (the endpoint taken from each
/// event) reach a <see cref="ManagementApiStandIn"/> that checks their signatures and hands the frames to the test's
/// connections. Like API Gateway, a connection can be posted to only after its $connect returned 2xx, and a
/// closed connection answers 410 Gone.
/// </summary>
internal sealed class ApiGatewayLambdaHost : IChatTestHost
{
    public const string DomainName = "abc123defg.execute-api.eu-west-2.amazonaws.com";
    public const string Stage = "prod";

    private readonly ConcurrentDictionary<string, LambdaTestConnection> _open = new(StringComparer.Ordinal);
    private readonly ManagementApiStandIn _api;

    private ApiGatewayLambdaHost(ManagementApiStandIn api) => _api = api;

    public StreamChatLambdaHandler Handler { get; private set; } = null!;

    public ManagementApiStandIn Api => _api;

    public IServiceProvider Services => Handler.Services;

    /// <summary>Answer 200 for connections the test put in the store itself (silent viewers), instead of 410.</summary>
    public bool AcceptPostsToUnknownConnections { get; set; }

    public static async Task<ApiGatewayLambdaHost> StartAsync(Action<StreamChatOptions>? configure = null, Action<StreamChatLambdaBuilder>? configureBuilder = null, bool configuredEndpoint = false)
    {
        var api = await ManagementApiStandIn.StartAsync();
        var host = new ApiGatewayLambdaHost(api);
        api.Router = host.Route;
        api.DeleteRouter = host.RouteDelete;
        try
        {
            host.Handler = StreamChatLambdaHandler.Create(b =>
            {
                b.Services.AddLogging(l => l.ClearProviders());
                b.Services.AddSingleton<IAmazonDynamoDB>(Dynalite.CreateClient());
                b.Services.AddKeyedSingleton<HttpMessageHandler>(ApiGatewayManagementClient.HandlerServiceKey, (_, _) => new RedirectToStandIn(DomainName, api.Endpoint));
                b.Services
                    .AddStreamChatCore(o =>
                    {
                        o.AllowDevelopmentIdentity = true;
                        configure?.Invoke(o);
                    })
                    .AddDynamoDbStores(Dynalite.UniqueTables)
                    .AddDynamoDbAuditTrail()
                    .AddApiGatewayBroadcaster(o =>
                    {
                        o.Region = api.Region;
                        o.Endpoint = configuredEndpoint ? api.Endpoint : null;
                        o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
                    });
                configureBuilder?.Invoke(b);
            });
            await host.Handler.Services.GetRequiredService<IDynamoDbTableProvisioner>().EnsureTablesAsync().DefaultTimeout();
            return host;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    private int Route(string connectionId, byte[] body)
    {
        if (!_open.TryGetValue(connectionId, out var connection))
        {
            return AcceptPostsToUnknownConnections ? 200 : 410;
        }

        if (!connection.Deliver(body))
        {
            return 410;
        }

        return 200;
    }

    /// <summary>DeleteConnection, as API Gateway does it: the socket is closed (1000), then $disconnect runs.</summary>
    private int RouteDelete(string connectionId)
    {
        if (!_open.TryRemove(connectionId, out var connection))
        {
            return 410;
        }

        connection.ClosedByServer();
        _ = Task.Run(async () => await InvokeAsync(Events.Disconnect(connectionId, 1000)));
        return 204;
    }

    public static string NewConnectionId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(11)).Replace('+', 'A').Replace('/', 'B');

    /// <summary>
    /// Gets or sets how long one invocation may take before the test fails as hung (15 s by default). A storm of
    /// parallel invocations in this one process waits on itself as Lambda's separate sandboxes would not, and may set more.
    /// </summary>
    public TimeSpan InvocationTimeout { get; set; } = TaskTimeoutExtensions.DefaultTimeoutSpan;

    /// <summary>Invokes the handler with one event, as the Lambda runtime would, and returns its response.</summary>
    public async Task<JsonElement> InvokeAsync(JsonNode evt)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(evt.ToJsonString()));
        await using var output = await Handler.HandleAsync(input).TimeoutAfter(InvocationTimeout);
        using var document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }

    public int? BanCloseCode => null;

    public async Task<IChatTestConnection> ConnectAsync(string streamId, string userId, string? username = null, string? role = null)
    {
        var query = new Dictionary<string, string?> { ["streamId"] = streamId, ["userId"] = userId, ["username"] = username ?? userId.ToUpperInvariant() };
        if (role is not null)
        {
            query["role"] = role;
        }

        var (connection, status) = await ConnectAsync(query);
        Assert.True(connection is not null, $"$connect answered {status}.");
        return connection!;
    }

    public async Task<(LambdaTestConnection? Connection, int Status)> ConnectAsync(
        IReadOnlyDictionary<string, string?> query, IReadOnlyDictionary<string, string>? headers = null, JsonObject? authorizer = null)
    {
        var id = NewConnectionId();
        var response = await InvokeAsync(Events.Connect(id, query, headers, authorizer));
        var status = response.GetProperty("statusCode").GetInt32();
        if (status is < 200 or > 299)
        {
            return (null, status);
        }

        var connection = new LambdaTestConnection(this, id);
        _open[id] = connection;
        return (connection, status);
    }

    public async Task<int> ConnectExpectingRefusalAsync(string? streamId, string? userId, string? username)
    {
        var query = new Dictionary<string, string?>();
        if (streamId is not null)
        {
            query["streamId"] = streamId;
        }

        if (userId is not null)
        {
            query["userId"] = userId;
        }

        if (username is not null)
        {
            query["username"] = username;
        }

        var (connection, status) = await ConnectAsync(query);
        Assert.Null(connection);
        return status;
    }

    /// <summary>The client went away: API Gateway forgets the connection, then (best effort) runs $disconnect.</summary>
    public async Task DisconnectAsync(string connectionId, int closeCode = 1000, bool runDisconnectRoute = true)
    {
        _open.TryRemove(connectionId, out _);
        if (runDisconnectRoute)
        {
            var response = await InvokeAsync(Events.Disconnect(connectionId, closeCode));
            Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Handler.DisposeAsync();
        await _api.DisposeAsync();
    }

    /// <summary>Sends what was signed for the event's execute-api domain to the stand-in, keeping the signed Host header.</summary>
    private sealed class RedirectToStandIn(string domain, Uri standIn) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (uri.Host == domain && uri.Scheme == Uri.UriSchemeHttps)
            {
                request.Headers.Host = uri.Authority;
                request.RequestUri = new Uri(new UriBuilder(standIn) { Path = string.Empty }.Uri, uri.PathAndQuery);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>A client of the AWS host: its frames arrive through the Management API stand-in.</summary>
internal sealed class LambdaTestConnection : ChatTestConnectionBase
{
    private readonly ApiGatewayLambdaHost _host;
    private int _closed;

    public LambdaTestConnection(ApiGatewayLambdaHost host, string connectionId)
    {
        _host = host;
        ConnectionId = connectionId;
    }

    public string ConnectionId { get; }

    public bool Deliver(byte[] body)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return false;
        }

        using var document = JsonDocument.Parse(body);
        return Frames.Writer.TryWrite(document.RootElement.Clone());
    }

    /// <summary>Gets a value indicating whether the server closed the connection (DeleteConnection).</summary>
    public bool WasClosedByServer { get; private set; }

    private readonly TaskCompletionSource _serverClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ClosedByServer()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            WasClosedByServer = true;
            Frames.Writer.TryComplete();
            _serverClosed.TrySetResult();
        }
    }

    /// <summary>DeleteConnection carries no close code.</summary>
    public override async Task<int?> ClosedByServerAsync()
    {
        await _serverClosed.Task.DefaultTimeout();
        return null;
    }

    public override Task SendAsync(string json) => InvokeMessageAsync(Events.Message(ConnectionId, json, base64: false));

    /// <summary>API Gateway hands a text frame over as a string, so bytes that are not UTF-8 arrive with U+FFFD for each bad sequence.</summary>
    public override Task SendRawAsync(ReadOnlyMemory<byte> bytes) => SendAsync(Encoding.UTF8.GetString(bytes.Span));

    /// <summary>A binary frame arrives base64-encoded, with <c>isBase64Encoded</c>.</summary>
    public override Task SendBinaryAsync(ReadOnlyMemory<byte> bytes) =>
        InvokeMessageAsync(Events.Message(ConnectionId, Convert.ToBase64String(bytes.Span), base64: true));

    public Task SendBase64Async(string json) => InvokeMessageAsync(Events.Message(ConnectionId, Convert.ToBase64String(Encoding.UTF8.GetBytes(json)), base64: true));

    private async Task InvokeMessageAsync(JsonNode evt)
    {
        var response = await _host.InvokeAsync(evt);
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
    }

    public override async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Frames.Writer.TryComplete();
            await _host.DisconnectAsync(ConnectionId);
        }
    }

    public override async ValueTask DisposeAsync() => await CloseAsync();
}

/// <summary>API Gateway WebSocket proxy events, shaped like captured ones (mixed-case headers, multi-value maps).</summary>
internal static class Events
{
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static JsonObject Context(string connectionId, string routeKey, string eventType)
    {
        var now = Now;
        var requestId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(10));
        return new JsonObject
        {
            ["routeKey"] = routeKey,
            ["eventType"] = eventType,
            ["extendedRequestId"] = requestId,
            ["requestId"] = requestId,
            ["requestTime"] = DateTimeOffset.UtcNow.ToString("dd/MMM/yyyy:HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture),
            ["requestTimeEpoch"] = now,
            ["messageDirection"] = "IN",
            ["stage"] = ApiGatewayLambdaHost.Stage,
            ["connectedAt"] = now - 1_000,
            ["identity"] = new JsonObject { ["sourceIp"] = "203.0.113.7", ["userAgent"] = "Mozilla/5.0 (X11; Linux x86_64)" },
            ["domainName"] = ApiGatewayLambdaHost.DomainName,
            ["connectionId"] = connectionId,
            ["apiId"] = "abc123defg",
        };
    }

    public static JsonObject Connect(string connectionId, IReadOnlyDictionary<string, string?> query, IReadOnlyDictionary<string, string>? headers = null, JsonObject? authorizer = null)
    {
        var allHeaders = new Dictionary<string, string>
        {
            ["Host"] = ApiGatewayLambdaHost.DomainName,
            ["Sec-WebSocket-Key"] = "q4xkcO32u266gldTuKaSOw==",
            ["Sec-WebSocket-Version"] = "13",
            ["X-Amzn-Trace-Id"] = "Root=1-6650a1b2-0123456789abcdef01234567",
            ["X-Forwarded-For"] = "203.0.113.7",
            ["X-Forwarded-Port"] = "443",
            ["X-Forwarded-Proto"] = "https",
        };
        foreach (var (key, value) in headers ?? new Dictionary<string, string>())
        {
            allHeaders[key] = value;
        }

        var context = Context(connectionId, "$connect", "CONNECT");
        context["messageId"] = null;
        if (authorizer is not null)
        {
            context["authorizer"] = authorizer;
        }

        var evt = new JsonObject
        {
            ["headers"] = new JsonObject(allHeaders.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
            ["multiValueHeaders"] = new JsonObject(allHeaders.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)new JsonArray(h.Value)))),
            ["requestContext"] = context,
            ["isBase64Encoded"] = false,
        };
        if (query.Count > 0)
        {
            evt["queryStringParameters"] = new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)q.Value)));
            evt["multiValueQueryStringParameters"] = new JsonObject(query.Select(q => KeyValuePair.Create(q.Key, (JsonNode?)new JsonArray(q.Value))));
        }

        return evt;
    }

    /// <summary>A message event; the route is picked the way API Gateway picks it with <c>$request.body.action</c> and a <c>message</c> route.</summary>
    public static JsonObject Message(string connectionId, string body, bool base64)
    {
        var route = "$default";
        if (!base64)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("action", out var action)
                    && action.ValueKind == JsonValueKind.String
                    && action.GetString() == "message")
                {
                    route = "message";
                }
            }
            catch (JsonException)
            {
                // Not JSON: API Gateway cannot evaluate the expression and uses $default.
            }
        }

        var context = Context(connectionId, route, "MESSAGE");
        context["messageId"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(10));
        return new JsonObject
        {
            ["requestContext"] = context,
            ["body"] = body,
            ["isBase64Encoded"] = base64,
        };
    }

    public static JsonObject Disconnect(string connectionId, int closeCode)
    {
        var headers = new Dictionary<string, string> { ["Host"] = ApiGatewayLambdaHost.DomainName, ["x-api-key"] = "", ["X-Forwarded-For"] = "", ["x-restapi"] = "" };
        var context = Context(connectionId, "$disconnect", "DISCONNECT");
        context["disconnectStatusCode"] = closeCode;
        context["disconnectReason"] = "";
        return new JsonObject
        {
            ["headers"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))),
            ["multiValueHeaders"] = new JsonObject(headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)new JsonArray(h.Value)))),
            ["requestContext"] = context,
            ["isBase64Encoded"] = false,
        };
    }
}
