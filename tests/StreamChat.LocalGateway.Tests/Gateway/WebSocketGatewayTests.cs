using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamChat.LocalGateway.Gateway;
using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.Gateway;

/// <summary>
/// The gateway as API Gateway documents it, with the test playing both functions of the sample template through
/// their real Runtime APIs (no sandbox is started): handshakes, events, routes, the Management API and its
/// signatures, the limits, and $disconnect on every close.
/// </summary>
public sealed class WebSocketGatewayTests : IAsyncLifetime
{
    private static readonly GatewayLimits ShortLimits = new(1024, 4096, TimeSpan.FromSeconds(30), TimeSpan.FromHours(2));

    private LocalGateway _gateway = null!;
    private FakeSandbox _connections = null!;
    private FakeSandbox _messages = null!;
    private ManagementApiClient _api = null!;

    public Task InitializeAsync() => StartAsync(ShortLimits);

    private async Task StartAsync(GatewayLimits limits, TimeSpan? functionTimeout = null)
    {
        _gateway = await LocalGateway.StartAsync(
            new LocalGatewayOptions { TemplatePath = PublishedLambda.Template, Port = 0, Instances = 0, Limits = limits, FunctionTimeout = functionTimeout },
            NullLoggerFactory.Instance);
        _connections = new FakeSandbox(_gateway.Functions["ConnectionFunction"].RuntimeApiAddress);
        _messages = new FakeSandbox(_gateway.Functions["MessageFunction"].RuntimeApiAddress);
        _api = new ManagementApiClient(_gateway);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _connections.DisposeAsync();
        await _messages.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    private Uri Url(string query = "streamId=s1&userId=ana") => new(_gateway.WebSocketUrl + "?" + query);

    private async Task<(ChatTestClient Client, string ConnectionId)> ConnectAsync(string query = "streamId=s1&userId=ana")
    {
        var before = _connections.Of("CONNECT").Length;
        var client = await ChatTestClient.ConnectAsync(Url(query));
        var connect = _connections.Of("CONNECT")[before];
        return (client, connect.GetProperty("requestContext").GetProperty("connectionId").GetString()!);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task Handshake_CompletesOnlyWhenConnectReturns2xx_AndARefusalAnswersWithItsStatus()
    {
        _connections.Handler = static e => Task.FromResult<string?>(
            e.GetProperty("queryStringParameters").GetProperty("userId").GetString() == "eve" ? """{"statusCode":403,"body":"banned"}""" : """{"statusCode":200}""");

        Assert.Equal(403, await ChatTestClient.ConnectExpectingRefusalAsync(Url("streamId=s1&userId=eve")));
        var (ana, _) = await ConnectAsync();
        await using var open = ana;
        Assert.Equal(1, _gateway.Gateway.ConnectionCount);

        _connections.Handler = static _ => Task.FromResult<string?>(null);
        Assert.Equal(500, await ChatTestClient.ConnectExpectingRefusalAsync(Url("streamId=s1&userId=bob")));
    }

    [Fact]
    public async Task ConnectEvent_HasTheShapeApiGatewaySends()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "http://127.0.0.1:5000");
        await socket.ConnectAsync(Url("streamId=s1&userId=ana&tag=a&tag=b"), CancellationToken.None).DefaultTimeout();

        var connect = Assert.Single(_connections.Of("CONNECT"));
        var context = connect.GetProperty("requestContext");
        Assert.Equal("$connect", context.GetProperty("routeKey").GetString());
        Assert.Equal("prod", context.GetProperty("stage").GetString());
        Assert.Equal("IN", context.GetProperty("messageDirection").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("identity").GetProperty("sourceIp").GetString());
        Assert.True(context.GetProperty("requestTimeEpoch").GetInt64() >= context.GetProperty("connectedAt").GetInt64());
        foreach (var field in new[] { "connectionId", "requestId", "extendedRequestId", "requestTime", "domainName", "apiId" })
        {
            Assert.False(string.IsNullOrEmpty(context.GetProperty(field).GetString()), field);
        }

        Assert.Equal("http://127.0.0.1:5000", connect.GetProperty("headers").GetProperty("Origin").GetString());
        Assert.Equal("13", connect.GetProperty("multiValueHeaders").GetProperty("Sec-WebSocket-Version")[0].GetString());
        Assert.Equal("b", connect.GetProperty("queryStringParameters").GetProperty("tag").GetString());
        Assert.Equal(["a", "b"], connect.GetProperty("multiValueQueryStringParameters").GetProperty("tag").EnumerateArray().Select(v => v.GetString()));
        Assert.False(connect.GetProperty("isBase64Encoded").GetBoolean());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    [Fact]
    public async Task PostDuringConnect_Gets410_AndOnceOpenThePostReachesTheClient()
    {
        HttpStatusCode? duringConnect = null;
        _connections.Handler = async e =>
        {
            var id = e.GetProperty("requestContext").GetProperty("connectionId").GetString()!;
            using var response = await _api.PostAsync(id, """{"type":"early"}"""u8.ToArray());
            duringConnect = response.StatusCode;
            return """{"statusCode":200}""";
        };

        var (client, id) = await ConnectAsync();
        await using var _ = client;

        Assert.Equal(HttpStatusCode.Gone, duringConnect);
        using var after = await _api.PostAsync(id, """{"type":"late"}"""u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("late", (await client.ReceiveAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_AreRoutedByAction_ToTheirRouteOrDefault()
    {
        var (client, _) = await ConnectAsync();
        await using var __ = client;

        await client.SendAsync("""{"action":"message","message":"hi"}""");
        await client.SendAsync("""{"action":"ping"}""");
        await client.SendAsync("""{"action":"$connect"}""");
        await client.SendAsync("not json");
        await Eventually(() => _messages.Events.Count == 4);

        var routes = _messages.Events.Select(e => (e.GetProperty("requestContext").GetProperty("routeKey").GetString(), e.GetProperty("body").GetString(), e.GetProperty("isBase64Encoded").GetBoolean())).ToList();
        Assert.Contains(("message", """{"action":"message","message":"hi"}""", false), routes);
        Assert.Contains(("$default", """{"action":"ping"}""", false), routes);
        Assert.Contains(("$default", """{"action":"$connect"}""", false), routes);
        Assert.Contains(("$default", "not json", false), routes);
        Assert.All(_messages.Events, e => Assert.Equal("MESSAGE", e.GetProperty("requestContext").GetProperty("eventType").GetString()));
        Assert.All(_messages.Events, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("requestContext").GetProperty("messageId").GetString())));
    }

    [Fact]
    public async Task BinaryFrame_ArrivesBase64Encoded_OnTheDefaultRoute()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(Url(), CancellationToken.None).DefaultTimeout();
        await socket.SendAsync(new byte[] { 0xff, 0x00, 0x01 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await Eventually(() => !_messages.Events.IsEmpty);

        var binary = Assert.Single(_messages.Events);
        Assert.Equal("$default", binary.GetProperty("requestContext").GetProperty("routeKey").GetString());
        Assert.True(binary.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(new byte[] { 0xff, 0x00, 0x01 }, Convert.FromBase64String(binary.GetProperty("body").GetString()!));
    }

    [Fact]
    public async Task FailingFunction_TheClientGetsInternalServerError_AndStaysConnected()
    {
        var (client, id) = await ConnectAsync();
        await using var _ = client;
        _messages.Handler = static _ => Task.FromResult<string?>(null);

        await client.SendAsync("""{"action":"message","message":"hi"}""");

        var error = await client.ReceiveAsync();
        Assert.Equal("Internal server error", error.GetProperty("message").GetString());
        Assert.Equal(id, error.GetProperty("connectionId").GetString());
        using var still = await _api.PostAsync(id, """{"type":"still"}"""u8.ToArray());
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task ManagementApi_RefusesWhatAwsWouldRefuse_With403()
    {
        var (client, id) = await ConnectAsync();
        await using var _ = client;
        var body = """{"type":"x"}"""u8.ToArray();

        using var unsigned = await _api.SendAsync(HttpMethod.Post, id, body, sign: false);
        using var otherService = await _api.PostAsync(id, body, service: "execute-apx");
        using var otherRegion = await _api.PostAsync(id, body, region: "eu-west-2");
        using var tampered = await _api.PostAsync(id, body, tamper: true);

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Contains("Missing Authentication Token", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherService.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherRegion.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("signature we calculated does not match", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await client.AssertNoFrameAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task ManagementApi_GetDescribes_DeleteCloses_AndBothAnswer410ForAGoneConnection()
    {
        var (client, id) = await ConnectAsync();
        await using var _ = client;

        using var get = await _api.SendAsync(HttpMethod.Get, id);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        using (var info = JsonDocument.Parse(await get.Content.ReadAsStringAsync()))
        {
            Assert.Equal("127.0.0.1", info.RootElement.GetProperty("Identity").GetProperty("SourceIp").GetString());
            Assert.True(DateTimeOffset.Parse(info.RootElement.GetProperty("ConnectedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);
        }

        using var delete = await _api.SendAsync(HttpMethod.Delete, id);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(1000, await client.ClosedByServerAsync());
        await Eventually(() => _connections.Of("DISCONNECT").Length == 1);
        Assert.Equal(id, _connections.Of("DISCONNECT")[0].GetProperty("requestContext").GetProperty("connectionId").GetString());

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete, HttpMethod.Post })
        {
            using var gone = await _api.SendAsync(method, id, method == HttpMethod.Post ? "{}"u8.ToArray() : null);
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        }
    }

    [Fact]
    public async Task Disconnect_RunsOnAClientsClose_WithItsStatus()
    {
        var (client, id) = await ConnectAsync();

        await client.CloseAsync();
        await Eventually(() => _connections.Of("DISCONNECT").Length == 1);

        var disconnect = _connections.Of("DISCONNECT")[0];
        var context = disconnect.GetProperty("requestContext");
        Assert.Equal("$disconnect", context.GetProperty("routeKey").GetString());
        Assert.Equal(id, context.GetProperty("connectionId").GetString());
        Assert.Equal(1000, context.GetProperty("disconnectStatusCode").GetInt32());
        Assert.True(disconnect.TryGetProperty("headers", out _));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Limits_AFrameOverTheFrameLimit_OrAMessageOverTheMessageLimit_ClosesWith1009_AndPostsOverItGet413()
    {
        var (big, id) = await ConnectAsync();
        await using var _ = big;
        using var tooLong = await _api.PostAsync(id, new byte[4097]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);

        await big.SendRawAsync(Encoding.UTF8.GetBytes(new string('x', 1025)));
        Assert.Equal(1009, await big.ClosedByServerAsync());

        var (fragmented, _) = await ConnectAsync("streamId=s1&userId=bob");
        await using var __ = fragmented;
        await fragmented.SendFragmentedAsync(Encoding.UTF8.GetBytes(new string('y', 5000)), 1000);
        Assert.Equal(1009, await fragmented.ClosedByServerAsync());
        Assert.DoesNotContain(_messages.Events, e => e.GetProperty("body").GetString()!.Length > 1024);
        await Eventually(() => _connections.Of("DISCONNECT").Length == 2);
        Assert.All(_connections.Of("DISCONNECT"), d => Assert.Equal(1009, d.GetProperty("requestContext").GetProperty("disconnectStatusCode").GetInt32()));
    }

    [Fact]
    public async Task IdleConnection_IsClosedWith1001_AndAnOldOneToo()
    {
        await DisposeAsync();
        await StartAsync(new GatewayLimits(1024, 4096, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(2)));

        var (idle, _) = await ConnectAsync();
        await using var _ = idle;
        Assert.Equal(1001, await idle.ClosedByServerAsync());

        // The connection's age counts from its handshake, so the clock starts before it: on a busy machine the
        // $connect round trip alone once took half a second, and a clock started after it read 1.45 s at the close.
        var started = DateTime.UtcNow;
        var (busy, __) = await ConnectAsync("streamId=s1&userId=bob");
        await using var ___ = busy;
        var closed = busy.ClosedByServerAsync();
        while (!closed.IsCompleted && DateTime.UtcNow - started < TimeSpan.FromSeconds(5))
        {
            await busy.SendRawAsync("""{"action":"ping"}"""u8.ToArray());
            await Task.Delay(200);
        }

        Assert.Equal(1001, await closed);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(4));
        await Eventually(() => _connections.Of("DISCONNECT").Length == 2);
        Assert.All(_connections.Of("DISCONNECT"), d => Assert.Equal(1001, d.GetProperty("requestContext").GetProperty("disconnectStatusCode").GetInt32()));
    }

    [Fact]
    public async Task AnInvocationLongerThanTheFunctionsTimeout_FailsTheHandshake_AndTheTimeoutCanBeReplaced()
    {
        // The template's: 10 s for $connect, 29 s for messages, and the deadline the sandbox is told matches it.
        Assert.Equal(TimeSpan.FromSeconds(10), _gateway.Functions["ConnectionFunction"].Function.Timeout);
        var before = DateTimeOffset.UtcNow;
        var (client, _) = await ConnectAsync();
        await client.DisposeAsync();
        Assert.InRange(_connections.Deadlines.First() - before, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(11));

        // Replaced: every function gets the given time-out, and an invocation that runs past it fails the handshake.
        await DisposeAsync();
        await StartAsync(ShortLimits, functionTimeout: TimeSpan.FromSeconds(1));
        Assert.All(_gateway.Functions.Values, f => Assert.Equal(TimeSpan.FromSeconds(1), f.Function.Timeout));
        _connections.Handler = static async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            return """{"statusCode":200}""";
        };
        var started = DateTimeOffset.UtcNow;
        Assert.Equal(500, await ChatTestClient.ConnectExpectingRefusalAsync(Url()));
        Assert.InRange(DateTimeOffset.UtcNow - started, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.9));
    }
}
