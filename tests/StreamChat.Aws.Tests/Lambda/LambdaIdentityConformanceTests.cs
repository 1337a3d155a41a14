using Microsoft.Extensions.Configuration;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>
/// The shared identity cases on the AWS host: the token validated in <c>$connect</c> by the Lambda handler, configured
/// only from the <c>StreamChatLambda:Jwt</c> section (environment variables on Lambda).
/// </summary>
public sealed class LambdaIdentityConformanceTests : IdentityConformanceTests
{
    private const string Jwt = "StreamChatLambda:Jwt:";

    private protected override async Task<IIdentityTestHost> StartHostAsync(IdentityHostSetup setup)
    {
        var configuration = new Dictionary<string, string?>
        {
            [Jwt + "Issuers:0"] = TestTokens.Issuer,
            [Jwt + "Audiences:0"] = TestTokens.Audience,
            [Jwt + "SigningKeys:0"] = TestTokens.SharedSecret,
        };
        if (setup.Jwks is { } jwks)
        {
            configuration[Jwt + "JwksUri"] = jwks.JwksUri.ToString();
            configuration[Jwt + "JwksMinimumRefreshInterval"] = "00:00:01";
        }

        for (var i = 0; i < setup.AllowedOrigins.Count; i++)
        {
            configuration["StreamChatLambda:AllowedOrigins:" + i] = setup.AllowedOrigins[i];
        }

        var host = await ApiGatewayLambdaHost.StartAsync(
            o => o.AllowDevelopmentIdentity = setup.AllowDevelopmentIdentity,
            b => b.Configuration.AddInMemoryCollection(configuration));
        return new LambdaIdentityHost(host);
    }

    private sealed class LambdaIdentityHost(ApiGatewayLambdaHost host) : IIdentityTestHost
    {
        public IServiceProvider Services => host.Services;

        public async Task<(IChatTestConnection? Connection, int Status)> TryConnectAsync(IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string>? headers = null) =>
            await host.ConnectAsync(query.ToDictionary(static p => p.Key, static p => (string?)p.Value), headers);

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
