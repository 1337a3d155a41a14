using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamChat.AspNetCore;
using StreamChat.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the StreamChat WebSocket endpoint.</summary>
public static class StreamChatEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the chat WebSocket endpoint at <paramref name="pattern"/>, e.g. <c>/chat</c>. Clients connect with
    /// <c>ws://HOST/chat?streamId=STREAM</c> (plus <c>token</c> with a JWT, or <c>userId</c> and <c>username</c> in development identity mode).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The route pattern.</param>
    /// <returns>A builder for endpoint conventions (authorization, CORS, rate limiting).</returns>
    /// <exception cref="InvalidOperationException"><c>AddStreamChat()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapStreamChat(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);

        if (endpoints.ServiceProvider.GetService<StreamChatMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Call builder.Services.AddStreamChat() in the application's service registration before calling app.MapStreamChat(...).");
        }

        var handler = endpoints.ServiceProvider.GetRequiredService<WebSocketChatHandler>();
        _ = endpoints.ServiceProvider.GetRequiredService<LocalConnectionShutdown>();
        var socketOptions = endpoints.ServiceProvider.GetRequiredService<IOptions<StreamChatWebSocketOptions>>().Value;

        // The WebSocket middleware runs only for this endpoint, so the app need not call UseWebSockets().
        var app = endpoints.CreateApplicationBuilder();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = socketOptions.KeepAliveInterval });
        app.Run(handler.HandleAsync);
        RequestDelegate pipeline = app.Build();

        return endpoints.Map(pattern, pipeline).WithDisplayName("StreamChat " + pattern).WithMetadata(new StreamChatEndpointMetadata());
    }
}
