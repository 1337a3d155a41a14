using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Tests.Broadcasting;

namespace StreamChat.Redis.Tests.Infrastructure;

/// <summary>
/// One node as the ASP.NET Core host wires it (AddStreamChat() then AddStackExchangeRedis()), without Kestrel: its
/// broadcaster and connection store, and fake sockets registered the way the host registers real ones.
/// </summary>
internal sealed class RedisNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IAsyncDisposable> _registrations = [];
    private int _next;

    private RedisNode(ServiceProvider services, string name)
    {
        _services = services;
        Name = name;
    }

    public string Name { get; }

    public IServiceProvider Services => _services;

    public IChatBroadcaster Broadcaster => _services.GetRequiredService<IChatBroadcaster>();

    public IConnectionStore Connections => _services.GetRequiredService<IConnectionStore>();

    public static RedisNode Start(RedisFixture redis, string prefix, string name, Action<RedisScaleOutOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddMetrics();
        services?.Invoke(collection);
        collection.AddStreamChat(o => o.AllowDevelopmentIdentity = true).AddStackExchangeRedis(o =>
        {
            o.Configuration = redis.Configuration;
            o.KeyPrefix = prefix;
            o.NodeId = name;
            configure?.Invoke(o);
        });
        return new RedisNode(collection.BuildServiceProvider(), name);
    }

    /// <summary>A socket of <paramref name="userId"/> in <paramref name="streamId"/> on this node, stored and registered.</summary>
    public async Task<FakeSocket> ConnectAsync(string streamId, string userId)
    {
        var socket = new FakeSocket(Name + "-c" + Interlocked.Increment(ref _next), streamId, userId);
        Assert.True(await Connections.AddAsync(new ChatConnection(socket.ConnectionId, streamId, userId, userId.ToUpperInvariant(), DateTimeOffset.UtcNow)));
        _registrations.Add(await Broadcaster.RegisterAsync(socket));
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var registration in _registrations)
        {
            await registration.DisposeAsync();
        }

        await _services.DisposeAsync();
    }
}
