using StreamChat.Redis.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Redis.Tests.Integration;

/// <summary>Two Kestrel nodes on one Redis, each client placed on a named node: what must hold cluster-wide.</summary>
public sealed class ScaleOutTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private TwoNodeChatHost? _host;

    private TwoNodeChatHost Host => _host!;

    public async Task InitializeAsync() => _host = await TwoNodeChatHost.StartAsync(redis, o =>
    {
        o.RateLimits.Viewer.PermitLimit = 3;
        o.RateLimits.Viewer.Window = TimeSpan.FromMinutes(5);
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();

    private static async Task<List<string?>> HistoryAsync(IChatTestConnection connection)
    {
        await connection.SendAsync("""{"action":"history"}""");
        return (await connection.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()).ToList();
    }

    [Fact]
    public async Task OneSendersMessages_ReachTheOtherNodeInOrder_AndHistoryIsTheSameOnBothNodes()
    {
        await using var watcher = await Host.B.ConnectAsync("order", "bob");
        await using var sender = await Host.A.ConnectAsync("order", "ana");
        await using var moderator = await Host.A.ConnectAsync("order", "mia", role: "moderator");
        await watcher.DrainAsync();

        // A moderator's limit is far above the viewers' 3 in this class.
        var texts = Enumerable.Range(0, 40).Select(i => (string?)("message " + i)).ToList();
        foreach (var text in texts)
        {
            await moderator.SendMessageAsync(text!);
        }

        var seen = new List<string?>();
        while (seen.Count < texts.Count)
        {
            seen.Add((await watcher.ReceiveAsync("message")).GetProperty("message").GetString());
        }

        Assert.Equal(texts, seen);
        var onA = await HistoryAsync(sender);
        Assert.Equal(texts, onA.TakeLast(40));
        Assert.Equal(onA, await HistoryAsync(watcher));
    }

    [Fact]
    public async Task ViewerCounts_CoverEveryNode()
    {
        await using var ana = await Host.A.ConnectAsync("count", "ana");
        await using var bob = await Host.B.ConnectAsync("count", "bob");
        await using var carol = await Host.A.ConnectAsync("count", "carol");

        Assert.Equal("carol", (await bob.ReceiveAsync("user_joined")).GetProperty("userId").GetString());
        await bob.SendAsync("""{"action":"hello"}""");

        Assert.Equal(3, (await bob.ReceiveAsync("welcome")).GetProperty("viewerCount").GetInt32());
        await ana.SendAsync("""{"action":"hello"}""");
        Assert.Equal(3, (await ana.ReceiveAsync("welcome")).GetProperty("viewerCount").GetInt32());
    }

    [Fact]
    public async Task ABanOnNodeA_ClosesTheUsersSocketOnNodeB_AndNodeBRefusesThemAfterwards()
    {
        await using var mod = await Host.A.ConnectAsync("ban", "mia", role: "moderator");
        await using var troll = await Host.B.ConnectAsync("ban", "troll");
        await using var fan = await Host.B.ConnectAsync("ban", "fan");
        await mod.DrainAsync();

        await mod.SendMessageAsync("/ban troll");

        Assert.Equal("troll", (await troll.ReceiveAsync("user_banned")).GetProperty("userId").GetString());
        Assert.Equal(4003, await troll.ClosedByServerAsync());
        Assert.Equal("troll", (await fan.ReceiveAsync("user_banned")).GetProperty("userId").GetString());
        Assert.Equal(403, await ChatTestClient.ConnectExpectingRefusalAsync(Host.B.ChatUri("ban", "troll", "Troll")));
        Assert.Equal(403, await ChatTestClient.ConnectExpectingRefusalAsync(Host.A.ChatUri("ban", "troll", "Troll")));
    }

    [Fact]
    public async Task ARateLimit_CountsOneUsersMessagesOnEveryNode()
    {
        await using var phone = await Host.A.ConnectAsync("limit", "fan");
        await using var laptop = await Host.B.ConnectAsync("limit", "fan");

        await phone.SendMessageAsync("one");
        await phone.ReceiveAsync("message");
        await laptop.SendMessageAsync("two");
        await laptop.ReceiveAsync("message");
        await phone.SendMessageAsync("three");
        await phone.ReceiveAsync("message");

        await laptop.SendMessageAsync("four");

        var blocked = await laptop.ReceiveAsync("message_blocked");
        Assert.Equal("rate_limited", blocked.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task SlowModeSetOnNodeA_HoldsAUserOnBothNodes()
    {
        await using var mod = await Host.A.ConnectAsync("slow", "mia", role: "moderator");
        await using var onB = await Host.B.ConnectAsync("slow", "fan");
        await using var onA = await Host.A.ConnectAsync("slow", "fan");

        await mod.SendMessageAsync("/slow 60");
        Assert.True((await onB.ReceiveAsync("slow_mode")).GetProperty("enabled").GetBoolean());
        await onB.SendMessageAsync("first");
        await onB.ReceiveAsync("message");

        await onA.SendMessageAsync("second, from the other node");

        var blocked = await onA.ReceiveAsync("message_blocked");
        Assert.Equal("slow_mode", blocked.GetProperty("reason").GetString());
        Assert.InRange(blocked.GetProperty("retryAfter").GetInt32(), 1, 60);
    }

    [Fact]
    public async Task AnErrorForOneConnection_ReachesItOnItsOwnNode_AndNobodyElse()
    {
        await using var ana = await Host.B.ConnectAsync("errors", "ana");

        await ana.SendAsync("""{"action":"frobnicate"}""");

        Assert.Equal("unknown_action", (await ana.ReceiveAsync("error")).GetProperty("code").GetString());
        Assert.Empty(await ana.DrainAsync());
    }

    [Fact]
    public async Task MessagesDeletedOnNodeA_DisappearFromHistoryOnNodeB()
    {
        await using var mod = await Host.A.ConnectAsync("del", "mia", role: "moderator");
        await using var fan = await Host.B.ConnectAsync("del", "fan");
        await fan.SendMessageAsync("regrettable");
        var id = (await mod.ReceiveAsync("message")).GetProperty("messageId").GetString();

        await mod.SendMessageAsync("/delete " + id);

        Assert.Equal(id, (await fan.ReceiveAsync("message_deleted")).GetProperty("messageId").GetString());
        Assert.DoesNotContain("regrettable", await HistoryAsync(fan));
    }
}
