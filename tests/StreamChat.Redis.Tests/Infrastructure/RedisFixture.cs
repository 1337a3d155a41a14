using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.Core.Broadcasting;

namespace StreamChat.Redis.Tests.Infrastructure;

/// <summary>One redis-server for a test class; each test keeps its keys apart with a prefix of its own.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    internal RedisServer Server => _server ?? throw new InvalidOperationException("Redis is not started.");

    public string Configuration => Server.Configuration;

    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..10] + ":";

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A service provider with StreamChat's core on the Redis stores, as one node.</summary>
    public ServiceProvider CreateNode(TimeProvider time, string prefix, Action<IServiceCollection>? services = null, Action<RedisScaleOutOptions>? configure = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddMetrics();
        collection.AddSingleton(time);
        collection.AddSingleton(Substitute.For<IChatBroadcaster>());
        services?.Invoke(collection);
        collection.AddStreamChatCore().AddStackExchangeRedis(o =>
        {
            o.Configuration = Configuration;
            o.KeyPrefix = prefix;
            configure?.Invoke(o);
        });
        return collection.BuildServiceProvider();
    }
}
