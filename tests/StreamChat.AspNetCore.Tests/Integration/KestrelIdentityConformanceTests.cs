using Microsoft.Extensions.DependencyInjection;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>
/// The shared identity cases on real Kestrel: ASP.NET Core's JwtBearer handler configured only from the standard
/// <c>Authentication:Schemes:Bearer</c> section (what <c>dotnet user-jwts</c> writes), the token read from the query.
/// </summary>
public sealed class KestrelIdentityConformanceTests : IdentityConformanceTests
{
    private const string Bearer = "Authentication:Schemes:Bearer:";

    private protected override async Task<IIdentityTestHost> StartHostAsync(IdentityHostSetup setup)
    {
        var configuration = new Dictionary<string, string?>
        {
            [Bearer + "ValidIssuer"] = TestTokens.Issuer,
            [Bearer + "ValidAudiences:0"] = TestTokens.Audience,
            [Bearer + "SigningKeys:0:Issuer"] = TestTokens.Issuer,
            [Bearer + "SigningKeys:0:Value"] = TestTokens.SharedSecret,
        };
        if (setup.Jwks is { } jwks)
        {
            configuration[Bearer + "MetadataAddress"] = jwks.DiscoveryUri.ToString();
            configuration[Bearer + "RequireHttpsMetadata"] = "false";
        }

        var server = await ChatServer.StartAsync(
            o => o.AllowDevelopmentIdentity = setup.AllowDevelopmentIdentity,
            o =>
            {
                foreach (var origin in setup.AllowedOrigins)
                {
                    o.AllowedOrigins.Add(origin);
                }
            },
            configureServices: static s => s.AddAuthentication().AddJwtBearer(),
            configuration: configuration);
        return new KestrelIdentityHost(server);
    }

    private sealed class KestrelIdentityHost(ChatServer server) : IIdentityTestHost
    {
        public IServiceProvider Services => server.Services;

        public async Task<(IChatTestConnection? Connection, int Status)> TryConnectAsync(IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string>? headers = null)
        {
            var uri = new UriBuilder(server.ChatUri(null, null, null))
            {
                Query = string.Join('&', query.Select(static p => p.Key + "=" + Uri.EscapeDataString(p.Value))),
            }.Uri;
            var (client, status) = await ChatTestClient.TryConnectAsync(uri, headers);
            if (client is not null)
            {
                await client.ReceiveAsync("welcome");
            }

            return (client, status);
        }

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
