using StreamChat.AspNetCore.Connections;
using StreamChat.AspNetCore.Internal;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Tests.Broadcasting;

namespace StreamChat.AspNetCore.Tests.Broadcasting;

/// <summary>The broadcaster suite on the local broadcaster, over its registry; sockets are registered through it.</summary>
public sealed class LocalChatBroadcasterTests : ChatBroadcasterTestsBase
{
    protected override Task<IBroadcasterFixture> CreateFixtureAsync() => Task.FromResult<IBroadcasterFixture>(new Fixture());

    [Fact]
    public async Task RegisterAsync_DisposingTheRegistration_StopsSends_AndEmptiesTheRegistry()
    {
        var registry = new LocalConnectionRegistry();
        var broadcaster = new LocalChatBroadcaster(registry);
        var socket = new FakeSocket("c1", "live", "ana");

        var registration = await broadcaster.RegisterAsync(socket);
        Assert.Same(socket, registry.Find("c1"));
        await registration.DisposeAsync();
        await registration.DisposeAsync();

        Assert.Equal(0, registry.Count);
        Assert.Equal(0, registry.GetStream("live").Length);
        Assert.Equal(["c1"], (await broadcaster.SendToConnectionAsync("c1", new byte[] { 1 })).GoneConnectionIds);
    }

    [Fact]
    public void Registry_AddAndRemove_SayWhenAStreamGainsItsFirstAndLosesItsLastLocalSocket()
    {
        var registry = new LocalConnectionRegistry();
        var a = new FakeSocket("a", "live", "ana");
        var b = new FakeSocket("b", "live", "bob");

        Assert.True(registry.Add(a));
        Assert.False(registry.Add(b));
        Assert.Throws<InvalidOperationException>(() => registry.Add(a));
        Assert.False(registry.Remove(a));
        Assert.True(registry.Remove(b));
        Assert.False(registry.Remove(b));
    }

    private sealed class Fixture : IBroadcasterFixture
    {
        private readonly LocalConnectionRegistry _registry = new();
        private int _next;

        public Fixture() => Broadcaster = new LocalChatBroadcaster(_registry);

        public IChatBroadcaster Broadcaster { get; }

        public async Task<ITestRecipient> AddAsync(string streamId, string userId)
        {
            var socket = new FakeSocket("c" + Interlocked.Increment(ref _next), streamId, userId);
            await Broadcaster.RegisterAsync(socket);
            return socket;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
