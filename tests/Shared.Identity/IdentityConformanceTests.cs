using Microsoft.Extensions.DependencyInjection;
using StreamChat.Core.Connections;
using StreamChat.Core.Identity;

namespace StreamChat.Testing;

/// <summary>What a host under the identity tests is started with.</summary>
internal sealed record IdentityHostSetup
{
    /// <summary>Gets a value indicating whether query-string identity is on (off by default, as in production).</summary>
    public bool AllowDevelopmentIdentity { get; init; }

    /// <summary>Gets the issuer whose published keys the host trusts besides <see cref="TestTokens.SharedSecret"/>.</summary>
    public JwksServer? Jwks { get; init; }

    /// <summary>Gets the origins whose pages may connect.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
}

/// <summary>A host with JWT identity configured the way its users configure it (configuration keys, not code).</summary>
internal interface IIdentityTestHost : IAsyncDisposable
{
    IServiceProvider Services { get; }

    /// <summary>Opens a connection with these query parameters (and headers); the welcome at open, if any, is consumed.</summary>
    Task<(IChatTestConnection? Connection, int Status)> TryConnectAsync(IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string>? headers = null);
}

/// <summary>
/// Token identity, development identity and origin checks, written once and run against both hosts: the ASP.NET Core
/// host (JwtBearer from the <c>Authentication:Schemes:Bearer</c> section, the token read from the query string) and the
/// AWS host (the token validated in <c>$connect</c> from the <c>StreamChatLambda:Jwt</c> section).
/// </summary>
public abstract class IdentityConformanceTests
{
    private protected abstract Task<IIdentityTestHost> StartHostAsync(IdentityHostSetup setup);

    private static Dictionary<string, string> Query(string? token = null, string tokenName = "token", string streamId = "live") =>
        token is null ? new() { ["streamId"] = streamId } : new() { ["streamId"] = streamId, [tokenName] = token };

    /// <summary>A query that also claims an identity, as development identity reads it.</summary>
    private static Dictionary<string, string> ClaimingQuery(string userId, string username, string? token = null, string tokenName = "token")
    {
        var query = Query(token, tokenName);
        query["userId"] = userId;
        query["username"] = username;
        return query;
    }

    private static async Task<int> CountAsync(IIdentityTestHost host) =>
        (await host.Services.GetRequiredService<IConnectionStore>().GetByStreamAsync("live").DefaultTimeout()).Count;

    private static async Task<ChatConnection> SingleConnectionAsync(IIdentityTestHost host) =>
        Assert.Single(await host.Services.GetRequiredService<IConnectionStore>().GetByStreamAsync("live").DefaultTimeout());

    private static async Task<System.Text.Json.JsonElement> WelcomeAsync(IChatTestConnection connection)
    {
        await connection.SendAsync("""{"action":"hello"}""");
        return await connection.ReceiveAsync("welcome");
    }

    [Fact]
    public async Task ValidHs256Token_WelcomesTheTokensSubAndName_AndTakesItsRole()
    {
        await using var host = await StartHostAsync(new IdentityHostSetup());

        var (connection, status) = await host.TryConnectAsync(Query(TestTokens.Create(TestTokens.Hs256, sub: "ana-42", name: "Ana María", role: "moderator")));

        Assert.True(connection is not null, $"refused with {status}");
        await using (connection)
        {
            var welcome = await WelcomeAsync(connection);
            Assert.Equal("ana-42", welcome.GetProperty("userId").GetString());
            Assert.Equal("Ana María", welcome.GetProperty("username").GetString());
            Assert.Equal(ChatRole.Moderator, (await SingleConnectionAsync(host)).Role);
        }
    }

    [Fact]
    public async Task AccessToken_WorksAsTokenDoes_AndTheQueryIdentityIsIgnored()
    {
        await using var host = await StartHostAsync(new IdentityHostSetup { AllowDevelopmentIdentity = true });
        var query = ClaimingQuery("spoofed", "Spoofed", TestTokens.Create(TestTokens.Hs256, sub: "bob-7", name: "Bob"), tokenName: "access_token");

        var (connection, status) = await host.TryConnectAsync(query);

        Assert.True(connection is not null, $"refused with {status}");
        await using (connection)
        {
            var welcome = await WelcomeAsync(connection);
            Assert.Equal("bob-7", welcome.GetProperty("userId").GetString());
            Assert.Equal("Bob", welcome.GetProperty("username").GetString());
        }
    }

    [Theory]
    [InlineData("expired", false)]
    [InlineData("not-yet-valid", false)]
    [InlineData("alg-none", false)]
    [InlineData("wrong-signature", false)]
    [InlineData("wrong-audience", false)]
    [InlineData("wrong-issuer", false)]
    [InlineData("malformed", false)]
    [InlineData("garbage", false)]
    [InlineData("expired", true)]
    [InlineData("alg-none", true)]
    [InlineData("wrong-signature", true)]
    public async Task BadToken_IsRefusedWith401_AndNothingIsStored_EvenWithDevelopmentIdentity(string kind, bool developmentIdentity)
    {
        await using var host = await StartHostAsync(new IdentityHostSetup { AllowDevelopmentIdentity = developmentIdentity });
        var query = ClaimingQuery("ana", "Ana", TestTokens.Refused(kind));

        var (connection, status) = await host.TryConnectAsync(query);

        Assert.Null(connection);
        Assert.Equal(401, status);
        Assert.Equal(0, await CountAsync(host));
    }

    [Fact]
    public async Task QueryIdentity_WithDevelopmentIdentityOff_IsRefusedWith401()
    {
        await using var host = await StartHostAsync(new IdentityHostSetup());
        var query = ClaimingQuery("ana", "Ana");

        var (connection, status) = await host.TryConnectAsync(query);

        Assert.Null(connection);
        Assert.Equal(401, status);
        Assert.Equal(0, await CountAsync(host));
    }

    [Fact]
    public async Task QueryIdentity_WithDevelopmentIdentityOn_TakesTheRoleFromTheQueryToo()
    {
        await using var host = await StartHostAsync(new IdentityHostSetup { AllowDevelopmentIdentity = true });
        var query = ClaimingQuery("sam", "Sam");
        query["role"] = "broadcaster";

        var (connection, status) = await host.TryConnectAsync(query);

        Assert.True(connection is not null, $"refused with {status}");
        await using (connection)
        {
            Assert.Equal("sam", (await WelcomeAsync(connection)).GetProperty("userId").GetString());
            Assert.Equal(ChatRole.Broadcaster, (await SingleConnectionAsync(host)).Role);
        }
    }

    [Fact]
    public async Task Rs256TokenFromTheJwks_IsAccepted_AndARotatedKeyIsPickedUpWithoutRestart()
    {
        using var first = TestSigningKey.Rsa("key-2026-11");
        using var second = TestSigningKey.Rsa("key-2026-12");
        await using var jwks = await JwksServer.StartAsync(first);
        await using var host = await StartHostAsync(new IdentityHostSetup { Jwks = jwks });

        var (before, status) = await host.TryConnectAsync(Query(TestTokens.Create(first.Credentials, sub: "ana-42")));
        Assert.True(before is not null, $"refused with {status}");
        await before.DisposeAsync();

        // The issuer rolls over: tokens are now signed with a key the host has never seen.
        jwks.Publish(second);
        var fetchesBefore = jwks.Fetches;
        var after = await ConnectEventuallyAsync(host, Query(TestTokens.Create(second.Credentials, sub: "bob-7")));
        await using (after)
        {
            Assert.Equal("bob-7", (await WelcomeAsync(after)).GetProperty("userId").GetString());
            Assert.True(jwks.Fetches > fetchesBefore, "the rotated key set was never fetched");
        }
    }

    [Fact]
    public async Task Es256TokenFromTheJwks_IsAccepted_AndOneSignedByAnUnpublishedKeyIsNot()
    {
        using var published = TestSigningKey.EcdsaP256("ec-1");
        using var unpublished = TestSigningKey.EcdsaP256("ec-1");
        await using var jwks = await JwksServer.StartAsync(published);
        await using var host = await StartHostAsync(new IdentityHostSetup { Jwks = jwks });

        var (accepted, status) = await host.TryConnectAsync(Query(TestTokens.Create(published.Credentials, sub: "eve-1")));
        Assert.True(accepted is not null, $"refused with {status}");
        await accepted.DisposeAsync();

        var (forged, forgedStatus) = await host.TryConnectAsync(Query(TestTokens.Create(unpublished.Credentials, sub: "mallory")));
        Assert.Null(forged);
        Assert.Equal(401, forgedStatus);
    }

    [Fact]
    public async Task AllowedOrigins_ListedOriginConnects_UnlistedOneGets403AndNothingIsStored()
    {
        await using var host = await StartHostAsync(new IdentityHostSetup { AllowedOrigins = ["https://watch.example.com"] });
        var token = TestTokens.Create(TestTokens.Hs256);

        var (evil, evilStatus) = await host.TryConnectAsync(Query(token), new Dictionary<string, string> { ["Origin"] = "https://evil.example.net" });
        Assert.Null(evil);
        Assert.Equal(403, evilStatus);
        Assert.Equal(0, await CountAsync(host));

        var (good, goodStatus) = await host.TryConnectAsync(Query(token), new Dictionary<string, string> { ["Origin"] = "https://watch.example.com" });
        Assert.True(good is not null, $"refused with {goodStatus}");
        await good.DisposeAsync();
    }

    /// <summary>
    /// A host may accept the first token after a rollover at once (the AWS host fetches the key set on an unknown kid) or
    /// after its key-set refresh has run in the background (JwtBearer's configuration manager); either way within seconds.
    /// </summary>
    private static async Task<IChatTestConnection> ConnectEventuallyAsync(IIdentityTestHost host, IReadOnlyDictionary<string, string> query)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var (connection, status) = await host.TryConnectAsync(query);
            if (connection is not null)
            {
                return connection;
            }

            Assert.True(status == 401 && DateTime.UtcNow < deadline, $"refused with {status} until the deadline");
            await Task.Delay(250);
        }
    }
}
