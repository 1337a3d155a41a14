using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamChat.Aws.Lambda;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>
/// Replays API Gateway WebSocket events through the Lambda handler: stores on dynalite, the Management API played by
/// a stand-in that checks signatures, every response read back from the handler's output stream.
/// </summary>
public sealed class LambdaHandlerTests
{
    private static Dictionary<string, string?> Query(string streamId, string userId, string? username = null) =>
        new() { ["streamId"] = streamId, ["userId"] = userId, ["username"] = username ?? userId.ToUpperInvariant() };

    [Fact]
    public async Task Connect_WithQueryString_StoresTheConnection_AndAnswersExactly200()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        var id = ApiGatewayLambdaHost.NewConnectionId();

        using var input = new MemoryStream(Encoding.UTF8.GetBytes(Events.Connect(id, Query("live-42", "ana", "Ana")).ToJsonString()));
        await using var output = await host.Handler.HandleAsync(input);

        Assert.Equal("""{"statusCode":200}""", await new StreamReader(output).ReadToEndAsync());
        var stored = await host.Services.GetRequiredService<IConnectionStore>().GetAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(("live-42", "ana", "Ana"), (stored.StreamId, stored.UserId, stored.Username));
    }

    [Fact]
    public async Task Hello_AfterConnect_IsWelcomed_PostedToTheEventsDomainAndStage()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var ana = await host.ConnectAsync("live-42", "ana", "Ana");

        await ana.SendAsync("""{"action":"hello"}""");

        var welcome = await ana.ReceiveAsync();
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        Assert.Equal(1, welcome.GetProperty("viewerCount").GetInt32());
        Assert.All(host.Api.Hosts, h => Assert.Equal(ApiGatewayLambdaHost.DomainName, h));
        Assert.Empty(host.Api.Rejections);
    }

    [Fact]
    public async Task ConfiguredEndpoint_CustomDomain_WinsOverTheEvent()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(configuredEndpoint: true);
        await using var ana = await host.ConnectAsync("live-42", "ana");

        await ana.SendAsync("""{"action":"ping"}""");

        Assert.Equal("pong", (await ana.ReceiveAsync()).GetProperty("type").GetString());
        Assert.All(host.Api.Hosts, h => Assert.StartsWith("127.0.0.1:", h, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Base64Body_IsABinaryFrame_RefusedWithBinaryFrame_AndNothingReachesTheStream()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var ana = await host.ConnectAsync("s1", "ana");
        await using var ben = await host.ConnectAsync("s1", "ben");
        await ana.ReceiveAsync("user_joined");

        await ((LambdaTestConnection)ana).SendBase64Async("""{"action":"message","message":"héllo from a binary frame"}""");

        Assert.Equal("binary_frame", (await ana.ReceiveAsync("error")).GetProperty("code").GetString());
        Assert.Empty(await ben.DrainAsync());
    }

    [Fact]
    public async Task TextFrame_NotUtf8_ArrivesWithReplacementCharacters_GetsInvalidJson_ConnectionStaysUsable()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var ana = await host.ConnectAsync("s1", "ana");

        await ana.SendRawAsync(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' });

        Assert.Equal("invalid_json", (await ana.ReceiveAsync("error")).GetProperty("code").GetString());
        Assert.Empty(await ana.DrainAsync());
    }

    [Fact]
    public async Task Base64Flag_OnABodyThatIsNotBase64_GetsBinaryFrame()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var ana = (LambdaTestConnection)await host.ConnectAsync("s1", "ana");

        var response = await host.InvokeAsync(Events.Message(ana.ConnectionId, "{not base64!", base64: true));

        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Equal("binary_frame", (await ana.ReceiveAsync("error")).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("this is not an event")]
    [InlineData("""{"requestContext":{"routeKey":"$connect","eventType":"CONNECT"}}""")]
    [InlineData("""{"body":"{}"}""")]
    [InlineData("[1,2,3]")]
    public async Task MalformedEvent_Answers400_AndStoresNothing(string json)
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var watcher = await host.ConnectAsync("s1", "watcher");

        using var input = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await using var output = await host.Handler.HandleAsync(input);

        using var response = await JsonDocument.ParseAsync(output);
        Assert.Equal(400, response.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Empty(await watcher.DrainAsync());
        Assert.Equal(1, await host.Services.GetRequiredService<IConnectionStore>().CountAsync("s1"));
    }

    [Fact]
    public async Task OversizedBody_GetsFrameTooLarge_AndNothingReachesTheStream()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var ana = await host.ConnectAsync("s1", "ana");
        await using var ben = await host.ConnectAsync("s1", "ben");
        await ana.ReceiveAsync("user_joined");

        await ana.SendAsync(JsonSerializer.Serialize(new { action = "message", message = new string('x', 100_000) }));

        Assert.Equal("frame_too_large", (await ana.ReceiveAsync("error")).GetProperty("code").GetString());
        Assert.Empty(await ben.DrainAsync());
    }

    [Fact]
    public async Task Authorizer_PrincipalWins_OverAQueryStringThatClaimsSomeoneElse()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(o => o.AllowDevelopmentIdentity = false);
        var authorizer = new JsonObject { ["principalId"] = "user-981", ["username"] = "Real Name", ["role"] = "viewer", ["integrationLatency"] = 41 };

        var (connection, status) = await host.ConnectAsync(Query("live-42", "admin", "Admin"), authorizer: authorizer);

        Assert.Equal(200, status);
        await using var _ = connection;
        var stored = await host.Services.GetRequiredService<IConnectionStore>().GetAsync(connection!.ConnectionId);
        Assert.Equal(("user-981", "Real Name"), (stored!.UserId, stored.Username));
    }

    [Fact]
    public async Task NoAuthorizer_AndDevelopmentIdentityOff_Answers401_AndStoresNothing()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(o => o.AllowDevelopmentIdentity = false);

        var (connection, status) = await host.ConnectAsync(Query("live-42", "ana"));

        Assert.Null(connection);
        Assert.Equal(401, status);
        Assert.Equal(0, await host.Services.GetRequiredService<IConnectionStore>().CountAsync("live-42"));
    }

    [Fact]
    public async Task CloseConnectionAsync_IsDeleteConnection_AndTheDisconnectThatFollowsTellsTheStream()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(configuredEndpoint: true);
        await using var bob = await host.ConnectAsync("live", "bob");
        var (ana, _) = await host.ConnectAsync(Query("live", "ana"));
        await bob.ReceiveAsync("user_joined");

        Assert.True(await host.Services.GetRequiredService<IChatBroadcaster>().CloseConnectionAsync(ana!.ConnectionId, 4003, "banned").DefaultTimeout());

        Assert.True(ana.WasClosedByServer);
        Assert.Contains(ana.ConnectionId, host.Api.Deletes);
        Assert.Empty(host.Api.Rejections);
        Assert.Equal("ana", (await bob.ReceiveAsync("user_left")).GetProperty("userId").GetString());
        Assert.Null(await host.Services.GetRequiredService<IConnectionStore>().GetAsync(ana.ConnectionId).DefaultTimeout());
        Assert.False(await host.Services.GetRequiredService<IChatBroadcaster>().CloseConnectionAsync(ana.ConnectionId, 4003, "banned").DefaultTimeout());
    }

    [Fact]
    public async Task AllowedOrigins_OtherOrMissingOrigin_Answers403_AndStoresNothing()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(configureBuilder: b =>
            b.Services.Configure<StreamChatLambdaOptions>(o => o.AllowedOrigins.Add("https://watch.example.com")));

        var (evil, evilStatus) = await host.ConnectAsync(Query("s1", "eve"), new Dictionary<string, string> { ["Origin"] = "https://evil.example.net" });
        var (none, noneStatus) = await host.ConnectAsync(Query("s1", "nobody"));
        var (good, goodStatus) = await host.ConnectAsync(Query("s1", "ana"), new Dictionary<string, string> { ["origin"] = "https://watch.example.com" });
        await using var _ = good;

        Assert.Equal((403, 403, 200), (evilStatus, noneStatus, goodStatus));
        Assert.Null(evil);
        Assert.Null(none);
        Assert.Equal(1, await host.Services.GetRequiredService<IConnectionStore>().CountAsync("s1"));
    }

    [Fact]
    public async Task RepeatedStreamIdInTheQuery_IsAmbiguous_Answers400()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        var evt = Events.Connect(ApiGatewayLambdaHost.NewConnectionId(), Query("s1", "ana"));
        evt["multiValueQueryStringParameters"]!["streamId"] = new JsonArray("s1", "s2");

        var response = await host.InvokeAsync(evt);

        Assert.Equal(400, response.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task RepeatedTokenInTheQuery_IsAmbiguous_Answers401_EvenWithDevelopmentIdentity()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        var query = Query("s1", "ana");
        query["token"] = "a.b.c";
        var evt = Events.Connect(ApiGatewayLambdaHost.NewConnectionId(), query);
        evt["queryStringParameters"]!["token"] = "d.e.f";
        evt["multiValueQueryStringParameters"]!["token"] = new JsonArray("a.b.c", "d.e.f");

        var response = await host.InvokeAsync(evt);

        Assert.Equal(401, response.GetProperty("statusCode").GetInt32());
        Assert.Equal(0, await host.Services.GetRequiredService<IConnectionStore>().CountAsync("s1").DefaultTimeout());
    }

    [Fact]
    public async Task ConnectionGoneWithoutDisconnectRoute_FirstBroadcastRemovesIt_AndOthersSeeUserLeft()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ApiGatewayLambdaHost.StartAsync(configureBuilder: b => b.Services.AddSingleton<TimeProvider>(time));
        await using var ana = await host.ConnectAsync("s1", "ana");
        var ben = (LambdaTestConnection)await host.ConnectAsync("s1", "ben", "Ben");
        await ana.ReceiveAsync("user_joined");

        // $disconnect is best effort: here API Gateway dropped ben and never ran it.
        await host.DisconnectAsync(ben.ConnectionId, closeCode: 1006, runDisconnectRoute: false);
        time.Advance(TimeSpan.FromSeconds(31));
        await ana.SendMessageAsync("anyone there?");

        Assert.Equal("anyone there?", (await ana.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal("ben", (await ana.ReceiveAsync("user_left")).GetProperty("userId").GetString());
        Assert.Null(await host.Services.GetRequiredService<IConnectionStore>().GetAsync(ben.ConnectionId));
    }

    [Fact]
    public async Task ConnectionGoneWithinTheGracePeriod_IsNotRemoved_ForApiGatewayAnswers410DuringConnect()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var ana = await host.ConnectAsync("s1", "ana");
        var ben = (LambdaTestConnection)await host.ConnectAsync("s1", "ben", "Ben");
        await ana.ReceiveAsync("user_joined");

        // As for a connection whose $connect is still running: posts answer 410.
        await host.DisconnectAsync(ben.ConnectionId, closeCode: 1006, runDisconnectRoute: false);
        await ana.SendMessageAsync("anyone there?");

        Assert.Equal("anyone there?", (await ana.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.DoesNotContain(await ana.DrainAsync(), f => f.GetProperty("type").GetString() == "user_left");
        Assert.NotNull(await host.Services.GetRequiredService<IConnectionStore>().GetAsync(ben.ConnectionId));
    }

    [Fact]
    public async Task Disconnect_OfAnUnknownConnection_Answers200_AndChangesNothing()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var ana = await host.ConnectAsync("s1", "ana");

        var response = await host.InvokeAsync(Events.Disconnect("never-seen-1=", 1001));

        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Empty(await ana.DrainAsync());
    }

    [Fact]
    public void Create_InvalidOptions_FailsAtInit_NotOnTheFirstMessage()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => StreamChatLambdaHandler.Create(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["StreamChat:MaxMessageLength"] = "0" });
            b.Services.AddStreamChatCore(b.Configuration.GetSection("StreamChat")).AddApiGatewayBroadcaster(o =>
            {
                o.Region = "eu-west-2";
                o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
            });
        }));

        Assert.Contains("MaxMessageLength", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Jwt", "StreamChatLambda:Jwt:SigningKeys:0", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==", false)]
    [InlineData("Jwt.SigningKeys", "StreamChatLambda:Jwt:SigningKeys:0", "c2hvcnQ=", true)]
    [InlineData("Jwt.SigningKeys", "StreamChatLambda:Jwt:SigningKeys:0", "not base64!", true)]
    [InlineData("Jwt.JwksUri", "StreamChatLambda:Jwt:JwksUri", "http://issuer.example/jwks.json", true)]
    [InlineData("Jwt.JwksMinimumRefreshInterval", "StreamChatLambda:Jwt:JwksMinimumRefreshInterval", "00:00:00.100", true)]
    public void Create_InvalidJwtSettings_FailAtInit_NamingTheSetting(string field, string key, string value, bool withIssuerAndAudience)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (withIssuerAndAudience)
        {
            settings["StreamChatLambda:Jwt:Issuers:0"] = "https://issuer.example";
            settings["StreamChatLambda:Jwt:Audiences:0"] = "streamchat";
            settings.TryAdd("StreamChatLambda:Jwt:JwksUri", "https://issuer.example/jwks.json");
        }

        var ex = Assert.Throws<OptionsValidationException>(() => StreamChatLambdaHandler.Create(b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Services.AddStreamChatCore().AddApiGatewayBroadcaster(o =>
            {
                o.Region = "eu-west-2";
                o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
            });
        }));

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MisspeltSetting_FailsAtInit()
    {
        var ex = Assert.ThrowsAny<InvalidOperationException>(() => StreamChatLambdaHandler.Create(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["StreamChatLambda:AllowedOrigin"] = "https://x.example" });
            b.Services.AddStreamChatCore().AddApiGatewayBroadcaster(o =>
            {
                o.Region = "eu-west-2";
                o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
            });
        }));

        Assert.Contains("AllowedOrigin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithoutStreamChatOrBroadcaster_SaysWhatIsMissing()
    {
        var none = Assert.Throws<InvalidOperationException>(() => StreamChatLambdaHandler.Create(static _ => { }));
        Assert.Contains("AddStreamChatCore", none.Message, StringComparison.Ordinal);

        var noBroadcaster = Assert.Throws<InvalidOperationException>(() => StreamChatLambdaHandler.Create(static b => b.Services.AddStreamChatCore()));
        Assert.Contains(nameof(IChatBroadcaster), noBroadcaster.Message, StringComparison.Ordinal);
    }
}
