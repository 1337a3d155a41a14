using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Core;
using StreamChat.Core.Connections;
using StreamChat.Core.Folding;
using StreamChat.Core.Tests.Folding;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.RateLimiting;
using StreamChat.Core.Sanctions;
using StreamChat.Core.Tests.Connections;
using StreamChat.Core.Tests.Messages;
using StreamChat.Core.Tests.Moderation;
using StreamChat.Core.Tests.RateLimiting;
using StreamChat.Core.Tests.Sanctions;
using StreamChat.Redis.Tests.Infrastructure;

namespace StreamChat.Redis.Tests.Conformance;

/// <summary>Service providers a conformance test made, disposed with it.</summary>
internal sealed class RedisProviders(RedisFixture redis) : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    public ServiceProvider Make(TimeProvider time, string prefix, Action<IServiceCollection>? services = null)
    {
        var provider = redis.CreateNode(time, prefix, services);
        _providers.Add(provider);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}

/// <summary>The connection store conformance suite, against a real redis-server.</summary>
public sealed class RedisConnectionStoreTests(RedisFixture redis) : ConnectionStoreTestsBase, IClassFixture<RedisFixture>, IAsyncDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<IConnectionStore> CreateStoreAsync() =>
        Task.FromResult(_providers.Make(new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)), RedisFixture.NewPrefix()).GetRequiredService<IConnectionStore>());

    public ValueTask DisposeAsync() => _providers.DisposeAsync();
}

/// <summary>The message store conformance suite, against a real redis-server.</summary>
public sealed class RedisMessageStoreTests(RedisFixture redis) : MessageStoreTestsBase, IClassFixture<RedisFixture>, IAsyncDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<IMessageStore> CreateStoreAsync(TimeSpan timeToLive, int maxPerStream = 1000) =>
        Task.FromResult(_providers.Make(Time, RedisFixture.NewPrefix(), s => s.Configure<StreamChatOptions>(o =>
        {
            o.MessageTimeToLive = timeToLive;
            o.MaxMessagesPerStream = maxPerStream;
        })).GetRequiredService<IMessageStore>());

    public ValueTask DisposeAsync() => _providers.DisposeAsync();
}

/// <summary>The fold store conformance suite, against a real redis-server.</summary>
public sealed class RedisFoldStoreTests(RedisFixture redis) : FoldStoreTestsBase, IClassFixture<RedisFixture>, IAsyncDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<IFoldStore> CreateStoreAsync() =>
        Task.FromResult(_providers.Make(Time, RedisFixture.NewPrefix()).GetRequiredService<IFoldStore>());

    public ValueTask DisposeAsync() => _providers.DisposeAsync();
}

/// <summary>The sanction store conformance suite, against a real redis-server.</summary>
public sealed class RedisSanctionStoreTests(RedisFixture redis) : SanctionStoreTestsBase, IClassFixture<RedisFixture>, IAsyncDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<ISanctionStore> CreateStoreAsync() =>
        Task.FromResult(_providers.Make(Time, RedisFixture.NewPrefix()).GetRequiredService<ISanctionStore>());

    public ValueTask DisposeAsync() => _providers.DisposeAsync();
}

/// <summary>The rate-limit conformance suite: two nodes (two service providers) share one Redis, so the limit is cluster-wide.</summary>
public sealed class RedisRateLimitCounterTests(RedisFixture redis) : RateLimitCounterTestsBase, IClassFixture<RedisFixture>, IAsyncDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<(IRateLimitCounter First, IRateLimitCounter Second)> CreateCountersAsync()
    {
        var prefix = RedisFixture.NewPrefix();
        return Task.FromResult((
            _providers.Make(Time, prefix).GetRequiredService<IRateLimitCounter>(),
            _providers.Make(Time, prefix).GetRequiredService<IRateLimitCounter>()));
    }

    public ValueTask DisposeAsync() => _providers.DisposeAsync();
}

/// <summary>The user trust conformance suite: two nodes share one Redis, so trust and flags hold across nodes.</summary>
public sealed class RedisUserTrustTests(RedisFixture redis) : UserTrustTestsBase, IClassFixture<RedisFixture>, IAsyncDisposable
{
    private readonly RedisProviders _providers = new(redis);

    protected override Task<(IUserTrust First, IUserTrust Second)> CreateAsync(Action<TrustOptions>? configure = null)
    {
        var prefix = RedisFixture.NewPrefix();
        void Services(IServiceCollection s) => s.Configure<StreamChatOptions>(o => configure?.Invoke(o.Moderation.Trust));
        return Task.FromResult((
            _providers.Make(Time, prefix, Services).GetRequiredService<IUserTrust>(),
            _providers.Make(Time, prefix, Services).GetRequiredService<IUserTrust>()));
    }

    public ValueTask DisposeAsync() => _providers.DisposeAsync();
}
