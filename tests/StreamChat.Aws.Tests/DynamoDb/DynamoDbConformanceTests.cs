using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Core.Connections;
using StreamChat.Core.Messages;
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
