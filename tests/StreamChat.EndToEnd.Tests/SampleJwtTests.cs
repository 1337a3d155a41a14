using System.Net;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>The Kestrel sample's identity as a deployment sets it: JWT by configuration alone, no query identity outside Development.</summary>
public sealed class SampleJwtTests
{
    /// <summary>The environment variables of README's "turn JWT on", as configuration keys.</summary>
    internal static Dictionary<string, string> JwtSettings(bool developmentIdentity) => new()
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = TestTokens.Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = TestTokens.Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = TestTokens.Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = TestTokens.SharedSecret,
        ["StreamChat:AllowDevelopmentIdentity"] = developmentIdentity ? "true" : "false",
    };

    private static Uri ChatUri(SampleAppFactory factory, string query) =>
        new UriBuilder(factory.BaseAddress) { Scheme = "ws", Path = "/chat", Query = query }.Uri;

    [Fact]
    public async Task JwtByConfigurationAlone_ValidTokenIsWelcomedAsItsSubject_QueryIdentityAndBadTokensAreRefused()
    {
        await using var factory = new SampleAppFactory(JwtSettings(developmentIdentity: false));

        var token = TestTokens.Create(TestTokens.Hs256, sub: "ana-42", name: "Ana");
        var (client, status) = await ChatTestClient.TryConnectAsync(ChatUri(factory, "streamId=live&token=" + token));
        Assert.True(client is not null, $"refused with {status}");
        await using (client)
        {
            var welcome = await client.ReceiveAsync("welcome");
            Assert.Equal("ana-42", welcome.GetProperty("userId").GetString());
            Assert.Equal("Ana", welcome.GetProperty("username").GetString());
        }

        Assert.Equal(401, (await ChatTestClient.TryConnectAsync(ChatUri(factory, "streamId=live&userId=ana&username=Ana"))).Status);
        Assert.Equal(401, (await ChatTestClient.TryConnectAsync(ChatUri(factory, "streamId=live&token=" + TestTokens.Refused("wrong-signature")))).Status);
    }

    [Fact]
    public async Task OutsideDevelopment_QueryIdentityIsOff_ByDefault()
    {
        await using var factory = new SampleAppFactory(new Dictionary<string, string> { ["environment"] = "Production" });

        var (client, status) = await ChatTestClient.TryConnectAsync(ChatUri(factory, "streamId=live&userId=ana&username=Ana"));

        Assert.Null(client);
        Assert.Equal((int)HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task InDevelopment_QueryIdentityIsOn()
    {
        await using var factory = new SampleAppFactory();

        var (client, status) = await ChatTestClient.TryConnectAsync(ChatUri(factory, "streamId=live&userId=ana&username=Ana"));

        Assert.True(client is not null, $"refused with {status}");
        await client.DisposeAsync();
    }
}
