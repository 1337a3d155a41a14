using StreamChat.Core.Broadcasting;
using StreamChat.Core.Tests.Broadcasting;
using StreamChat.Redis.Tests.Infrastructure;

namespace StreamChat.Redis.Tests.Conformance;

/// <summary>
/// The broadcaster suite on the Redis broadcaster, every socket on the node under test: wrapping the host's local
/// broadcaster must keep everything it promised (the cross-node cases are in RedisBroadcasterTests).
/// </summary>
public sealed class RedisBroadcasterConformanceTests(RedisFixture redis) : ChatBroadcasterTestsBase, IClassFixture<RedisFixture>
{
    protected override Task<IBroadcasterFixture> CreateFixtureAsync() =>
        Task.FromResult<IBroadcasterFixture>(new Fixture(RedisNode.Start(redis, RedisFixture.NewPrefix(), "a")));

    private sealed class Fixture(RedisNode node) : IBroadcasterFixture
    {
        public IChatBroadcaster Broadcaster => node.Broadcaster;

        public async Task<ITestRecipient> AddAsync(string streamId, string userId) => await node.ConnectAsync(streamId, userId);

        public ValueTask DisposeAsync() => node.DisposeAsync();
    }
}
