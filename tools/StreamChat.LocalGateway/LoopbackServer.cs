using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StreamChat.LocalGateway;

/// <summary>A small Kestrel server on 127.0.0.1 (the front end, each Runtime API, the DynamoDB IAM check), started, with its address.</summary>
internal static class LoopbackServer
{
    /// <param name="port">The port; 0 for any free one.</param>
    /// <param name="maxRequestBodySize">The largest request body accepted.</param>
    /// <param name="handler">The terminal handler.</param>
    /// <param name="middleware">What runs before it (WebSockets, static files).</param>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(int port, long maxRequestBodySize, RequestDelegate handler, Action<WebApplication>? middleware = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = maxRequestBodySize).UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        middleware?.Invoke(app);
        app.Run(handler);
        await app.StartAsync(cancellationToken);
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }
}
