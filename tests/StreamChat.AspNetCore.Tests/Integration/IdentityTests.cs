using Microsoft.Extensions.DependencyInjection;
using System.Net.WebSockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>Where a Kestrel connection's identity comes from: the authenticated user, else (in development) the query string.</summary>
public sealed class IdentityTests
{
    // Stands in for authentication middleware (JWT bearer, cookies): it sets HttpContext.User before the endpoint runs.
    private static void AuthenticateAsAna(WebApplication app) => app.Use((context, next) =>
    {
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "ana-42"), new Claim("name", "Ana")], authenticationType: "Test"));
        return next(context);
    });

    [Fact]
    public async Task AuthenticatedUser_BeatsTheQueryString()
    {
        await using var server = await ChatServer.StartAsync(configureApp: AuthenticateAsAna);
        await using var client = await ChatTestClient.ConnectAsync(server.ChatUri("live", "spoofed", "Spoofed"));

        var welcome = await client.ReceiveAsync("welcome");

        Assert.Equal("ana-42", welcome.GetProperty("userId").GetString());
        Assert.Equal("Ana", welcome.GetProperty("username").GetString());
    }

    [Fact]
    public async Task AuthenticatedUser_IsAccepted_WithoutDevelopmentIdentity()
    {
        await using var server = await ChatServer.StartAsync(o => o.AllowDevelopmentIdentity = false, configureApp: AuthenticateAsAna);
        await using var client = await ChatTestClient.ConnectAsync(server.ChatUri("live", null, null));

        var welcome = await client.ReceiveAsync("welcome");

        Assert.Equal("ana-42", welcome.GetProperty("userId").GetString());
    }

    [Fact]
    public async Task NoAuthenticatedUser_AndNoDevelopmentIdentity_IsRefusedWith401()
    {
        await using var server = await ChatServer.StartAsync(o => o.AllowDevelopmentIdentity = false);

        var ex = await Assert.ThrowsAsync<WebSocketException>(() => ChatTestClient.ConnectAsync(server.ChatUri("live", "ana", "Ana")));

        Assert.Contains("401", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevelopmentIdentity_IsDecodedFromTheQueryString()
    {
        await using var server = await ChatServer.StartAsync();
        var uri = new UriBuilder(server.ChatUri("live", null, null)) { Query = "StreamId=live&userid=ana%2D42&username=Ana+Mar%C3%ADa" }.Uri;
        await using var client = await ChatTestClient.ConnectAsync(uri);

        var welcome = await client.ReceiveAsync("welcome");

        Assert.Equal("live", welcome.GetProperty("streamId").GetString());
        Assert.Equal("ana-42", welcome.GetProperty("userId").GetString());
        Assert.Equal("Ana María", welcome.GetProperty("username").GetString());
    }

    [Fact]
    public async Task OpenSocket_WithJwtBearerRegistered_KeepsNoParsedQueryAlive()
    {
        HttpContext? handshake = null;
        await using var server = await ChatServer.StartAsync(
            configureServices: static s => s.AddAuthentication().AddJwtBearer(),
            configureApp: app => app.Use((context, next) =>
            {
                handshake = context;
                return next(context);
            }));
        await using var client = await server.ConnectAsync("live", "ana");

        // HttpRequest.Query parses the query into a collection the request keeps until the socket closes; the query
        // token and the identity are read in one pass instead, so an idle viewer holds none.
        Assert.NotNull(handshake);
        Assert.Null(handshake.Features.Get<IQueryFeature>());
    }

    [Fact]
    public async Task RepeatedToken_IsAmbiguous_AndRefusedWith401_EvenWithDevelopmentIdentity()
    {
        await using var server = await ChatServer.StartAsync(configureServices: static s => s.AddAuthentication().AddJwtBearer());
        var uri = new UriBuilder(server.ChatUri("live", null, null)) { Query = "streamId=live&userId=ana&username=Ana&token=a.b.c&token=d.e.f" }.Uri;

        Assert.Equal(401, await ChatTestClient.ConnectExpectingRefusalAsync(uri));
    }

    [Theory]
    [InlineData("streamId=live&streamId=other&userId=ana&username=Ana")]
    [InlineData("streamId=live&userId=ana&userId=bob&username=Ana")]
    public async Task RepeatedQueryParameter_IsRefusedWith400(string query)
    {
        await using var server = await ChatServer.StartAsync();
        var uri = new UriBuilder(server.ChatUri("live", null, null)) { Query = query }.Uri;

        var ex = await Assert.ThrowsAsync<WebSocketException>(() => ChatTestClient.ConnectAsync(uri));

        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
    }
}
