using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StreamChat.Testing;

/// <summary>
/// An identity provider's published keys on a loopback port: <c>/jwks.json</c> (the current keys, swappable for a
/// rollover) and the OpenID Connect discovery document that points to it, with a count of key-set fetches.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile TestSigningKey[] _keys;
    private int _fetches;

    private JwksServer(WebApplication app, TestSigningKey[] keys)
    {
        _app = app;
        _keys = keys;
    }

    public Uri BaseUri { get; private set; } = null!;

    public Uri JwksUri => new(BaseUri, "/jwks.json");

    public Uri DiscoveryUri => new(BaseUri, "/.well-known/openid-configuration");

    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<JwksServer> StartAsync(params TestSigningKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new JwksServer(app, keys);
        app.MapGet("/jwks.json", () =>
        {
            Interlocked.Increment(ref server._fetches);
            return Results.Text("{\"keys\":[" + string.Join(',', server._keys.Select(static k => k.PublicJwk())) + "]}", "application/json");
        });
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(
            $$"""{"issuer":"{{TestTokens.Issuer}}","jwks_uri":"{{server.JwksUri}}","id_token_signing_alg_values_supported":["RS256","ES256"]}""", "application/json"));
        await app.StartAsync().DefaultTimeout();
        server.BaseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>The issuer rolls its keys over: from now on it publishes only these.</summary>
    public void Publish(params TestSigningKey[] keys) => _keys = keys;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
