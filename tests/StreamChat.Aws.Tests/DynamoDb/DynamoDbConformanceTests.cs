using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Core.Connections;
using StreamChat.Core.Folding;
using StreamChat.Core.Tests.Folding;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.Tests.Moderation;
using StreamChat.Core.RateLimiting;
using StreamChat.Core.Sanctions;
using StreamChat.Core.Tests.RateLimiting;
using StreamChat.Core.Tests.Sanctions;
using StreamChat.Core.Tests.Connections;
using StreamChat.Core.Tests.Messages;

namespace StreamChat.Aws.Tests.DynamoDb;

/// <summary>The connection store conformance suite, against DynamoDB (dynalite).</summary>
public sealed class DynamoDbConnectionStoreTests : ConnectionStoreTestsBase, IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    protected override async Task<IConnectionStore> CreateStoreAsync()
    {
        var provider = await Dynalite.StartAsync(new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)));
        _providers.Add(provider);
        return provider.GetRequiredService<IConnectionStore>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}

/// <summary>The message store conformance suite, against DynamoDB (dynalite), whose TTL never deletes: readers must filter.</summary>
public sealed class DynamoDbMessageStoreTests : MessageStoreTestsBase, IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    protected override async Task<IMessageStore> CreateStoreAsync(TimeSpan timeToLive, int maxPerStream = 1000)
    {
        var provider = await Dynalite.StartAsync(Time, services: s => s.Configure<StreamChatOptions>(o => o.MessageTimeToLive = timeToLive));
        _providers.Add(provider);
        return provider.GetRequiredService<IMessageStore>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}

/// <summary>The fold store conformance suite, against DynamoDB (dynalite): the state lives in the messages table.</summary>
public sealed class DynamoDbFoldStoreTests : FoldStoreTestsBase, IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    protected override async Task<IFoldStore> CreateStoreAsync()
    {
        var provider = await Dynalite.StartAsync(Time);
        _providers.Add(provider);
        return provider.GetRequiredService<IFoldStore>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}

/// <summary>The sanction store conformance suite, against DynamoDB (dynalite).</summary>
public sealed class DynamoDbSanctionStoreTests : SanctionStoreTestsBase, IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    protected override async Task<ISanctionStore> CreateStoreAsync()
    {
        var provider = await Dynalite.StartAsync(Time);
        _providers.Add(provider);
        return provider.GetRequiredService<ISanctionStore>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}

/// <summary>
/// The rate-limit counter conformance suite, against DynamoDB (dynalite): two counters from two separately built
/// service providers (two Lambda instances) share one table.
/// </summary>
public sealed class DynamoDbRateLimitCounterTests : RateLimitCounterTestsBase, IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    protected override async Task<(IRateLimitCounter First, IRateLimitCounter Second)> CreateCountersAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var first = await Dynalite.StartAsync(Time, o => o.RateLimitsTableName = "ratelimits-shared-" + suffix);
        var second = await Dynalite.StartAsync(Time, o => o.RateLimitsTableName = "ratelimits-shared-" + suffix);
        _providers.Add(first);
        _providers.Add(second);
        return (first.GetRequiredService<IRateLimitCounter>(), second.GetRequiredService<IRateLimitCounter>());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}

/// <summary>
/// The user trust conformance suite, against DynamoDB (dynalite): two stores from two separately built service
/// providers (two Lambda instances) share one table, so trust and flags hold across instances.
/// </summary>
public sealed class DynamoDbUserTrustTests : UserTrustTestsBase, IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    protected override async Task<(IUserTrust First, IUserTrust Second)> CreateAsync(Action<TrustOptions>? configure = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        void Services(IServiceCollection s) => s.Configure<StreamChatOptions>(o => configure?.Invoke(o.Moderation.Trust));
        var first = await Dynalite.StartAsync(Time, o => o.RateLimitsTableName = "trust-shared-" + suffix, Services);
        var second = await Dynalite.StartAsync(Time, o => o.RateLimitsTableName = "trust-shared-" + suffix, Services);
        _providers.Add(first);
        _providers.Add(second);
        return (first.GetRequiredService<IUserTrust>(), second.GetRequiredService<IUserTrust>());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}
