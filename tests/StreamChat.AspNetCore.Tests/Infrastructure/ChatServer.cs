using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.AspNetCore;
using StreamChat.Core;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Infrastructure;

/// <summary>The real Kestrel host on a loopback port, with StreamChat mapped at /chat.</summary>
internal sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ChatServer> StartAsync(
        Action<StreamChatOptions>? configure = null,
        Action<StreamChatWebSocketOptions>? configureSockets = null,
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? configureApp = null,
        IReadOnlyDictionary<string, string?>? configuration = null,
        Action<IStreamChatBuilder>? configureChat = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configureServices?.Invoke(builder.Services);
        var chat = builder.Services
            .AddStreamChat(o =>
            {
                o.AllowDevelopmentIdentity = true;
                configure?.Invoke(o);
            })
            .ConfigureWebSockets(o => configureSockets?.Invoke(o));
        configureChat?.Invoke(chat);

        var app = builder.Build();
        configureApp?.Invoke(app);
        app.MapStreamChat("/chat");
        await app.StartAsync().DefaultTimeout();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ChatServer(app, new Uri(address));
    }

    public Uri ChatUri(string? streamId, string? userId, string? username, string? role = null)
    {
        var query = new List<string>();
        if (streamId is not null)
        {
            query.Add("streamId=" + Uri.EscapeDataString(streamId));
        }

        if (userId is not null)
        {
            query.Add("userId=" + Uri.EscapeDataString(userId));
        }

        if (username is not null)
        {
            query.Add("username=" + Uri.EscapeDataString(username));
        }

        if (role is not null)
        {
            query.Add("role=" + Uri.EscapeDataString(role));
        }

        var builder = new UriBuilder(BaseUri) { Scheme = "ws", Path = "/chat", Query = string.Join('&', query) };
        return builder.Uri;
    }

    /// <summary>Connects and consumes the welcome the host sends at open.</summary>
    public async Task<ChatTestClient> ConnectAsync(string streamId, string userId, string? username = null, string? role = null)
    {
        var client = await ChatTestClient.ConnectAsync(ChatUri(streamId, userId, username ?? userId.ToUpperInvariant(), role));
        while (true)
        {
            var type = (await client.ReceiveAsync()).GetProperty("type").GetString();
            if (type == "welcome")
            {
                return client;
            }

            // Above the presence threshold a stream's folded count (from this node or, on Redis, another) can reach
            // the socket the moment it is registered, just before its welcome; nothing else may come first.
            Assert.Equal("viewer_count", type);
        }
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
