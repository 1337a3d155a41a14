using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using StreamChat.Core.Diagnostics;
using StreamChat.Core.Tests.Broadcasting;
using StreamChat.Redis.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Redis.Tests.Integration;

/// <summary>Two nodes on one Redis, with fake sockets on both: what crosses nodes, how, and at what Redis cost.</summary>
public sealed class RedisBroadcasterTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _prefix = RedisFixture.NewPrefix();
    private RedisNode? _a;
    private RedisNode? _b;
    private ConnectionMultiplexer? _probe;

    private RedisNode A => _a!;

    private RedisNode B => _b!;

    public async Task InitializeAsync()
    {
        _a = RedisNode.Start(redis, _prefix, "node-a");
        _b = RedisNode.Start(redis, _prefix, "node-b");
        _probe = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await _probe!.DisposeAsync();
    }

    private static byte[] Frame(string text) => Encoding.UTF8.GetBytes($$"""{"type":"message","message":"{{text}}"}""");

    private async Task<long> SubscribersAsync(string channel) =>
        (long)((RedisResult[])(await _probe!.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", _prefix + channel))!)[1];

    private static MetricCollector<long> Publishes(RedisNode node) =>
        new(node.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StreamChatMeter.Name, "streamchat.redis.publishes");

    [Fact]
    public async Task SendToStream_ReachesTheOtherNodesSockets_WithOnePublish_HoweverManyRecipients()
    {
        using var publishes = Publishes(A);
        var local = await A.ConnectAsync("live", "ana");
        var remote = new List<FakeSocket>();
        for (var i = 0; i < 50; i++)
        {
            remote.Add(await B.ConnectAsync("live", "viewer" + i));
        }

        var outsider = await B.ConnectAsync("other", "carol");

        var result = await A.Broadcaster.SendToStreamAsync("live", Frame("hi"));

        Assert.Equal(1, result.Delivered);
        Assert.Single(local.Frames);
        await Eventually.WaitForAsync(() => remote.All(s => s.Frames.Count == 1), "every remote socket");
        Assert.All(remote, s => Assert.Equal(Frame("hi"), s.Frames[0]));
        Assert.Empty(outsider.Frames);
        Assert.Equal(1, publishes.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task SendToStream_OneSendersFrames_ArriveInOrderOnTheOtherNode()
    {
        var remote = await B.ConnectAsync("live", "bob");
        await A.ConnectAsync("live", "ana");

        for (var i = 0; i < 300; i++)
        {
            await A.Broadcaster.SendToStreamAsync("live", Frame("m" + i));
        }

        await Eventually.WaitForAsync(() => remote.Frames.Count == 300, "300 frames");
        Assert.Equal(Enumerable.Range(0, 300).Select(i => Encoding.UTF8.GetString(Frame("m" + i))), remote.Frames.Select(f => Encoding.UTF8.GetString(f)));
    }

    [Fact]
    public async Task SendToStream_TheExceptedConnectionOnAnotherNode_IsLeftOut()
    {
        var sender = await B.ConnectAsync("live", "bob");
        var other = await B.ConnectAsync("live", "carol");

        await A.Broadcaster.SendToStreamAsync("live", Frame("hi"), sender.ConnectionId);

        await Eventually.WaitForAsync(() => other.Frames.Count == 1, "carol");
        Assert.Empty(sender.Frames);
    }

    [Fact]
    public async Task SendToConnection_OnAnotherNode_GoesToThatNodeOnly_AndALocalOneSkipsRedis()
    {
        var remote = await B.ConnectAsync("live", "bob");
        var local = await A.ConnectAsync("live", "ana");
        var bystander = await B.ConnectAsync("live", "carol");
        using var publishes = Publishes(A);

        Assert.Equal(1, (await A.Broadcaster.SendToConnectionAsync(local.ConnectionId, Frame("local"))).Delivered);
        Assert.Empty(publishes.GetMeasurementSnapshot());

        var result = await A.Broadcaster.SendToConnectionAsync(remote.ConnectionId, Frame("remote"));

        Assert.Equal(1, result.Delivered);
        await Eventually.WaitForAsync(() => remote.Frames.Count == 1, "bob");
        Assert.Empty(bystander.Frames);
        var publish = Assert.Single(publishes.GetMeasurementSnapshot());
        Assert.Equal("connection", publish.Tags["kind"]);
    }

    [Fact]
    public async Task SendToConnection_Unknown_IsReportedGone()
    {
        var result = await A.Broadcaster.SendToConnectionAsync("nobody", Frame("x"));

        Assert.Equal(["nobody"], result.GoneConnectionIds);
    }

    [Fact]
    public async Task SendToUser_ReachesTheirConnectionsOnEveryNode_AndNobodyElse()
    {
        var phone = await A.ConnectAsync("live", "ana");
        var laptop = await B.ConnectAsync("live", "ana");
        var bob = await B.ConnectAsync("live", "bob");
        var elsewhere = await B.ConnectAsync("other", "ana");

        await A.Broadcaster.SendToUserAsync("live", "ana", Frame("whisper"));

        Assert.Single(phone.Frames);
        await Eventually.WaitForAsync(() => laptop.Frames.Count == 1, "ana's laptop");
        await Task.Delay(100);
        Assert.Empty(bob.Frames);
        Assert.Empty(elsewhere.Frames);
    }

    [Fact]
    public async Task CloseConnection_OnAnotherNode_ClosesThatSocketWithTheCode()
    {
        var remote = await B.ConnectAsync("live", "bob");

        Assert.True(await A.Broadcaster.CloseConnectionAsync(remote.ConnectionId, 4003, "banned"));

        await Eventually.WaitForAsync(() => remote.Closed, "the close");
        Assert.Equal(4003, remote.CloseCode);
        Assert.False(await A.Broadcaster.CloseConnectionAsync("nobody", 4003, "banned"));
    }

    [Fact]
    public async Task ANode_ListensOnlyToStreamsItHoldsConnectionsIn_AndStopsWhenTheLastLeaves()
    {
        Assert.Equal(0, await SubscribersAsync("ch:s:live"));

        await using var node = RedisNode.Start(redis, _prefix, "node-c");
        await node.ConnectAsync("live", "ana");
        await node.ConnectAsync("live", "bob");
        Assert.Equal(1, await SubscribersAsync("ch:s:live"));
        Assert.Equal(0, await SubscribersAsync("ch:s:other"));
        Assert.Equal(1, await SubscribersAsync("ch:n:node-c"));

        await node.DisposeAsync();

        Assert.Equal(0, await SubscribersAsync("ch:s:live"));
    }

    [Fact]
    public async Task Presence_CountsAndListsConnectionsOnEveryNode()
    {
        var ana = await A.ConnectAsync("live", "ana");
        var bob = await B.ConnectAsync("live", "bob");
        await B.ConnectAsync("other", "carol");

        Assert.Equal(2, await A.Connections.CountAsync("live"));
        Assert.Equal(2, await B.Connections.CountAsync("live"));
        Assert.Equal([ana.ConnectionId, bob.ConnectionId], (await A.Connections.GetConnectionIdsAsync("live")).Order(StringComparer.Ordinal));
        Assert.Equal("bob", (await A.Connections.GetAsync(bob.ConnectionId))!.UserId);
        Assert.Equal(bob.ConnectionId, Assert.Single(await A.Connections.GetByUserAsync("live", "bob")).ConnectionId);

        Assert.NotNull(await A.Connections.RemoveAsync(bob.ConnectionId));
        Assert.Equal(1, await B.Connections.CountAsync("live"));
    }

    [Fact]
    public async Task ANodeThatDiesWithoutGoodbye_LeavesPresenceWithinItsLease_AndIsReaped()
    {
        static void Fast(RedisScaleOutOptions o)
        {
            o.PresenceTimeout = TimeSpan.FromSeconds(2);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        }

        await using var survivor = RedisNode.Start(redis, _prefix, "survivor", Fast);
        await survivor.ConnectAsync("crash", "ana");
        var doomed = RedisNode.Start(redis, _prefix, "doomed", Fast);
        var lost = await doomed.ConnectAsync("crash", "bob");
        await doomed.ConnectAsync("crash", "carol");
        Assert.Equal(3, await survivor.Connections.CountAsync("crash"));

        // Gone without goodbye: its heartbeat stops, its connections are never removed.
        await doomed.DisposeAsync();
        var stopped = DateTime.UtcNow;

        await Eventually.WaitForAsync(async () => await survivor.Connections.CountAsync("crash") == 1, "the dead node to leave presence");
        Assert.True(DateTime.UtcNow - stopped < TimeSpan.FromSeconds(3), "left presence after " + (DateTime.UtcNow - stopped));
        Assert.Null(await survivor.Connections.GetAsync(lost.ConnectionId));
        await Eventually.WaitForAsync(async () => !await _probe!.GetDatabase().KeyExistsAsync(_prefix + "c:" + lost.ConnectionId), "the reaper");
        Assert.Empty(await survivor.Connections.GetByUserAsync("crash", "bob"));
    }
}
