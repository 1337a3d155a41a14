using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.RateLimiting;
using StreamChat.Core.Sanctions;
using StreamChat.Redis.Internal;
using StreamChat.Redis.Tests.Infrastructure;

namespace StreamChat.Redis.Tests.DependencyInjection;

/// <summary>How AddStackExchangeRedis() finds its Redis, what it replaces, and what it refuses at start-up.</summary>
public sealed class AddStackExchangeRedisTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static ServiceProvider Build(Action<IStreamChatBuilderHolder> configure, IReadOnlyDictionary<string, string?>? configuration = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build());
        services?.Invoke(collection);
        var chat = collection.AddStreamChat(o => o.AllowDevelopmentIdentity = true);
        configure(new IStreamChatBuilderHolder(chat));
        return collection.BuildServiceProvider();
    }

    private static string Validate(ServiceProvider provider) =>
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisScaleOutOptions>>().Value).Message;

    [Fact]
    public void EveryStoreAndTheBroadcaster_AreTheRedisOnes_AndTheLocalBroadcasterIsKeptInside()
    {
        using var provider = Build(c => c.Chat.AddStackExchangeRedis(redis.Configuration));

        Assert.IsType<RedisChatBroadcaster>(provider.GetRequiredService<IChatBroadcaster>());
        Assert.IsType<RedisConnectionStore>(provider.GetRequiredService<IConnectionStore>());
        Assert.IsType<RedisMessageStore>(provider.GetRequiredService<IMessageStore>());
        Assert.IsType<RedisSanctionStore>(provider.GetRequiredService<ISanctionStore>());
        Assert.IsType<RedisRateLimitCounter>(provider.GetRequiredService<IRateLimitCounter>());
        Assert.IsType<RedisUserTrust>(provider.GetRequiredService<IUserTrust>());
        Assert.Equal("LocalChatBroadcaster", provider.GetRequiredKeyedService<IChatBroadcaster>("StreamChat.Redis.Local").GetType().Name);
    }

    [Fact]
    public void CalledTwice_WrapsOnce()
    {
        using var provider = Build(c => c.Chat.AddStackExchangeRedis(redis.Configuration).AddStackExchangeRedis(o => o.KeyPrefix = "again:"));

        Assert.Equal("LocalChatBroadcaster", provider.GetRequiredKeyedService<IChatBroadcaster>("StreamChat.Redis.Local").GetType().Name);
        Assert.Equal("again:", provider.GetRequiredService<IOptions<RedisScaleOutOptions>>().Value.KeyPrefix);
    }

    [Fact]
    public async Task ConnectionStringsRedis_IsUsed_WhenNothingElseNamesARedis()
    {
        await using var provider = Build(c => c.Chat.AddStackExchangeRedis(), new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.Configuration });

        Assert.Equal(redis.Configuration, provider.GetRequiredService<IOptions<RedisScaleOutOptions>>().Value.Configuration);
        var multiplexer = await provider.GetRequiredService<RedisConnection>().GetAsync();
        Assert.True(multiplexer.IsConnected);
    }

    [Fact]
    public async Task ARegisteredMultiplexer_IsUsed_AndLeftOpenForItsOwner()
    {
        await using var own = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await using (var provider = Build(c => c.Chat.AddStackExchangeRedis(), services: s => s.AddSingleton<IConnectionMultiplexer>(own)))
        {
            Assert.Same(own, await provider.GetRequiredService<RedisConnection>().GetAsync());
        }

        Assert.True(own.IsConnected);
    }

    [Fact]
    public async Task AFactory_IsUsed()
    {
        var made = 0;
        await using var provider = Build(c => c.Chat.AddStackExchangeRedis(o => o.ConnectionFactory = async _ =>
        {
            made++;
            return await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        }));

        var multiplexer = await provider.GetRequiredService<RedisConnection>().GetAsync();

        Assert.True(multiplexer.IsConnected);
        Assert.Equal(1, made);
    }

    [Fact]
    public void NoRedisAnywhere_IsRefusedAtStartUp_SayingWhereToPutOne()
    {
        using var provider = Build(c => c.Chat.AddStackExchangeRedis());

        Assert.Contains("ConnectionStrings__Redis", Validate(provider), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PresenceTimeout", "00:00:00.5000000", "PresenceTimeout")]
    [InlineData("HeartbeatInterval", "00:00:20", "HeartbeatInterval")]
    [InlineData("KeyPrefix", "has spaces", "KeyPrefix")]
    [InlineData("NodeId", "a/b", "NodeId")]
    [InlineData("MaxPendingMessages", "-1", "MaxPendingMessages")]
    public void BadOptions_AreRefusedAtStartUp(string key, string value, string named)
    {
        using var provider = Build(
            c => c.Chat.AddStackExchangeRedis(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build()),
            new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.Configuration });

        Assert.Contains(named, Validate(provider), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownOptionKey_IsAnError()
    {
        using var provider = Build(
            c => c.Chat.AddStackExchangeRedis(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["KeyPrefx"] = "x:" }).Build()),
            new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.Configuration });

        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<RedisScaleOutOptions>>().Value);
    }

    [Fact]
    public void OnAHostThatHoldsNoSockets_TheBroadcasterSaysWhatIsMissing()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddStreamChatCore().AddStackExchangeRedis(redis.Configuration);
        using var provider = collection.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IChatBroadcaster>());
        Assert.Contains("StreamChat.AspNetCore", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Lets a lambda reach the builder without naming its internal type.</summary>
    private sealed record IStreamChatBuilderHolder(StreamChat.Core.IStreamChatBuilder Chat);
}
