using System.Text.Json;
using StreamChat.Core;

namespace StreamChat.Testing;

/// <summary>
/// Moderator commands, sanctions and limits (PROTOCOL "Moderator tools"), written once and run against each host: Kestrel
/// over real sockets, and the Lambda handler on dynalite with the Management API stand-in.
/// </summary>
public abstract class ModeratorToolsConformanceTests : IAsyncLifetime
{
    private readonly List<IChatTestHost> _hosts = [];

    private IChatTestHost Host => _hosts[0];

    private protected abstract Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null);

    public async Task InitializeAsync() => _hosts.Add(await StartHostAsync());

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    private async Task<IChatTestHost> StartAnotherAsync(Action<StreamChatOptions> configure)
    {
        var host = await StartHostAsync(configure);
        _hosts.Add(host);
        return host;
    }

    private static async Task<List<JsonElement>> HistoryAsync(IChatTestConnection connection)
    {
        await connection.SendAsync("""{"action":"history"}""");
        return (await connection.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().ToList();
    }

    private static async Task<string> SendAndSeeAsync(IChatTestConnection sender, IChatTestConnection watcher, string text)
    {
        await sender.SendMessageAsync(text);

        // Earlier messages (the watcher's own, echoed) may be queued before it.
        while (true)
        {
            var message = await watcher.ReceiveAsync("message");
            if (message.GetProperty("message").GetString() == text)
            {
                return message.GetProperty("messageId").GetString()!;
            }
        }
    }

    private static async Task<JsonElement> ErrorAsync(IChatTestConnection connection, string code)
    {
        var error = await connection.ReceiveAsync("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error;
    }

    private static async Task<JsonElement> AckAsync(IChatTestConnection moderator, string command)
    {
        var ack = await moderator.ReceiveAsync("command_result");
        Assert.Equal(command, ack.GetProperty("command").GetString());
        return ack;
    }

    [Fact]
    public async Task ViewerCommand_IsForbidden_AndNeitherDeliveredNorStored()
    {
        await using var viewer = await Host.ConnectAsync("m1", "vic");
        await using var fan = await Host.ConnectAsync("m1", "fan");
        await viewer.ReceiveAsync("user_joined");

        await viewer.SendMessageAsync("/ban fan");

        Assert.Contains("moderators", (await ErrorAsync(viewer, "forbidden")).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await fan.DrainAsync());
        Assert.Empty(await HistoryAsync(fan));
    }

    [Theory]
    [InlineData("/frobnicate fan", "unknown_command", "/ban")]
    [InlineData("/timeout fan", "invalid_command", "Usage: /timeout USER SECONDS")]
    [InlineData("/timeout fan 0", "invalid_command", "Usage: /timeout")]
    [InlineData("/timeout fan 1209601", "invalid_command", "Usage: /timeout")]
    [InlineData("/ban", "invalid_command", "Usage: /ban USER")]
    [InlineData("/ban not/a/user", "invalid_command", "Usage: /ban USER")]
    [InlineData("/slow 121", "invalid_command", "Usage: /slow")]
    [InlineData("/delete nope", "invalid_command", "Usage: /delete MESSAGE_ID")]
    [InlineData("/delete 01JZZZZZZZZZZZZZZZZZZZZZZZ", "invalid_command", "holds no message")]
    [InlineData("/mod fan", "forbidden", "broadcaster")]
    public async Task BadCommands_AreAnsweredWithTheirCode_AndNothingElseHappens(string command, string code, string mentions)
    {
        await using var mod = await Host.ConnectAsync("m2", "mia", role: "moderator");
        await using var fan = await Host.ConnectAsync("m2", "fan");
        await mod.ReceiveAsync("user_joined");

        await mod.SendMessageAsync(command);

        Assert.Contains(mentions, (await ErrorAsync(mod, code)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await fan.DrainAsync());
        Assert.Empty(await HistoryAsync(fan));
        await SendAndSeeAsync(fan, mod, "fan can still chat");
    }

    [Fact]
    public async Task Ban_TellsTheStream_CleansHistory_ClosesEveryConnectionOfTheUser_AndRefusesNewOnes_UntilUnban()
    {
        await using var mod = await Host.ConnectAsync("m3", "mia", role: "moderator");
        await using var fan = await Host.ConnectAsync("m3", "fan");
        await using var tab1 = await Host.ConnectAsync("m3", "troll");
        await using var tab2 = await Host.ConnectAsync("m3", "troll");
        await SendAndSeeAsync(fan, mod, "hello all");
        var trollMessage = await SendAndSeeAsync(tab1, fan, "first time here");
        await mod.DrainAsync();
        await fan.DrainAsync();

        await mod.SendMessageAsync("/ban troll spamming links");

        var banned = await fan.ReceiveAsync("user_banned");
        Assert.Equal("troll", banned.GetProperty("userId").GetString());
        Assert.Equal("m3", banned.GetProperty("streamId").GetString());
        Assert.Equal("spamming links", banned.GetProperty("reason").GetString());
        var deleted = await fan.ReceiveAsync("messages_deleted");
        Assert.Equal([trollMessage], deleted.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("troll", deleted.GetProperty("userId").GetString());
        Assert.Contains("troll", (await AckAsync(mod, "ban")).GetProperty("message").GetString(), StringComparison.Ordinal);
        foreach (var tab in new[] { tab1, tab2 })
        {
            Assert.Equal("troll", (await tab.ReceiveAsync("user_banned")).GetProperty("userId").GetString());
            Assert.Equal(Host.BanCloseCode, await tab.ClosedByServerAsync());
        }

        Assert.Equal(["hello all"], (await HistoryAsync(fan)).Select(m => m.GetProperty("message").GetString()));
        Assert.Equal(403, await Host.ConnectExpectingRefusalAsync("m3", "troll", "Troll"));
        await using var elsewhere = await Host.ConnectAsync("m4", "troll");

        await mod.SendMessageAsync("/unban troll");
        var unbanned = await fan.ReceiveAsync("user_unbanned");
        Assert.Equal("troll", unbanned.GetProperty("userId").GetString());
        Assert.Equal("ban", unbanned.GetProperty("sanction").GetString());
        await AckAsync(mod, "unban");
        await using var back = await Host.ConnectAsync("m3", "troll");
        await back.SendMessageAsync("sorry");
        Assert.Equal("message", ProtocolAssert.Type(await back.ReceiveAsync()));
    }

    [Fact]
    public async Task Timeout_MutesWithTheSecondsLeft_CleansHistory_UntilUntimeout()
    {
        await using var mod = await Host.ConnectAsync("m5", "mia", role: "broadcaster");
        await using var fan = await Host.ConnectAsync("m5", "fan");
        await using var loud = await Host.ConnectAsync("m5", "loud");
        var loudMessage = await SendAndSeeAsync(loud, fan, "CAPS CAPS");
        await mod.DrainAsync();
        await fan.DrainAsync();

        await mod.SendMessageAsync("/timeout loud 600 calm down");

        var timedOut = await fan.ReceiveAsync("user_timed_out");
        Assert.Equal("loud", timedOut.GetProperty("userId").GetString());
        Assert.Equal(600, timedOut.GetProperty("seconds").GetInt32());
        Assert.Equal("calm down", timedOut.GetProperty("reason").GetString());
        Assert.Equal([loudMessage], (await fan.ReceiveAsync("messages_deleted")).GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()));
        await AckAsync(mod, "timeout");
        await loud.DrainAsync();

        await loud.SendMessageAsync("let me talk");
        var blocked = await loud.ReceiveAsync("message_blocked");
        Assert.Equal("muted", blocked.GetProperty("reason").GetString());
        Assert.InRange(blocked.GetProperty("retryAfter").GetInt32(), 590, 600);
        Assert.Empty(await fan.DrainAsync());
        Assert.Empty(await HistoryAsync(fan));

        await mod.SendMessageAsync("/untimeout loud");
        Assert.Equal("timeout", (await fan.ReceiveAsync("user_unbanned")).GetProperty("sanction").GetString());
        await AckAsync(mod, "untimeout");
        await SendAndSeeAsync(loud, fan, "thanks");
    }

    [Fact]
    public async Task Delete_TellsTheStream_AndTheMessageNeverComesBackInHistory()
    {
        await using var mod = await Host.ConnectAsync("m6", "mia", role: "moderator");
        await using var fan = await Host.ConnectAsync("m6", "fan");
        var keep = await SendAndSeeAsync(fan, mod, "nice stream");
        var drop = await SendAndSeeAsync(fan, mod, "oops, my address");
        await fan.DrainAsync();

        await mod.SendMessageAsync("/delete " + drop);

        var deleted = await fan.ReceiveAsync("message_deleted");
        Assert.Equal(drop, deleted.GetProperty("messageId").GetString());
        await AckAsync(mod, "delete");
        Assert.Equal([keep], (await HistoryAsync(fan)).Select(m => m.GetProperty("messageId").GetString()));
    }

    [Fact]
    public async Task Clear_TellsTheStream_AndEmptiesHistory()
    {
        await using var mod = await Host.ConnectAsync("m7", "mia", role: "moderator");
        await using var fan = await Host.ConnectAsync("m7", "fan");
        await SendAndSeeAsync(fan, mod, "one");
        await SendAndSeeAsync(fan, mod, "two");
        await fan.DrainAsync();

        await mod.SendMessageAsync("/clear");

        Assert.Equal("m7", (await fan.ReceiveAsync("chat_cleared")).GetProperty("streamId").GetString());
        await AckAsync(mod, "clear");
        Assert.Empty(await HistoryAsync(fan));
    }

    [Fact]
    public async Task SlowMode_HoldsViewersToOneMessagePerInterval_SparesModerators_UntilOff()
    {
        await using var mod = await Host.ConnectAsync("m8", "mia", role: "moderator");
        await using var fan = await Host.ConnectAsync("m8", "fan");
        await mod.ReceiveAsync("user_joined");

        await mod.SendMessageAsync("/slow 30");
        var on = await fan.ReceiveAsync("slow_mode");
        Assert.True(on.GetProperty("enabled").GetBoolean());
        Assert.Equal(30, on.GetProperty("seconds").GetInt32());
        await AckAsync(mod, "slow");

        await SendAndSeeAsync(fan, mod, "first");
        await fan.SendMessageAsync("second");
        var blocked = await fan.ReceiveAsync("message_blocked");
        Assert.Equal("slow_mode", blocked.GetProperty("reason").GetString());
        Assert.InRange(blocked.GetProperty("retryAfter").GetInt32(), 1, 30);
        await SendAndSeeAsync(mod, fan, "mods are exempt 1");
        await SendAndSeeAsync(mod, fan, "mods are exempt 2");

        await mod.SendMessageAsync("/slow off");
        var off = await fan.ReceiveAsync("slow_mode");
        Assert.False(off.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, off.GetProperty("seconds").GetInt32());
        await SendAndSeeAsync(fan, mod, "free again");
    }

    [Fact]
    public async Task ShadowBan_OnlyTheUserSeesTheirMessages_LiveAndInHistory_AndOnlyModeratorsAreTold()
    {
        await using var mod = await Host.ConnectAsync("m9", "mia", role: "moderator");
        await using var fan = await Host.ConnectAsync("m9", "fan");
        await using var sneaky = await Host.ConnectAsync("m9", "sneaky");
        await mod.DrainAsync();
        await fan.DrainAsync();

        await mod.SendMessageAsync("/shadowban sneaky");
        Assert.Equal("sneaky", (await mod.ReceiveAsync("user_shadow_banned")).GetProperty("userId").GetString());
        await AckAsync(mod, "shadowban");

        await sneaky.SendMessageAsync("spam spam");
        Assert.Equal("spam spam", (await sneaky.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Empty(await fan.DrainAsync());
        Assert.Empty(await mod.DrainAsync());
        Assert.Empty(await sneaky.DrainAsync());
        Assert.Empty(await HistoryAsync(fan));
        Assert.Equal(["spam spam"], (await HistoryAsync(sneaky)).Select(m => m.GetProperty("message").GetString()));

        await mod.SendMessageAsync("/unshadowban sneaky");
        Assert.Equal("sneaky", (await mod.ReceiveAsync("user_unshadow_banned")).GetProperty("userId").GetString());
        Assert.Empty(await fan.DrainAsync());
        await SendAndSeeAsync(sneaky, fan, "visible now");
    }

    [Fact]
    public async Task Mod_GrantedByTheBroadcaster_LetsAViewerModerate_UntilUnmod_AndModeratorsCannotSanctionEachOther()
    {
        await using var owner = await Host.ConnectAsync("m10", "owner", role: "broadcaster");
        await using var helper = await Host.ConnectAsync("m10", "helper");
        await using var other = await Host.ConnectAsync("m10", "othermod", role: "moderator");
        await using var fan = await Host.ConnectAsync("m10", "fan");

        await helper.SendMessageAsync("/timeout fan 10");
        await ErrorAsync(helper, "forbidden");

        await owner.SendMessageAsync("/mod helper");
        await AckAsync(owner, "mod");
        await helper.SendMessageAsync("/timeout fan 10");
        await AckAsync(helper, "timeout");
        await helper.SendMessageAsync("/ban othermod");
        Assert.Contains("another moderator", (await ErrorAsync(helper, "forbidden")).GetProperty("message").GetString(), StringComparison.Ordinal);
        await other.SendMessageAsync("/ban owner");
        Assert.Contains("the broadcaster", (await ErrorAsync(other, "forbidden")).GetProperty("message").GetString(), StringComparison.Ordinal);

        await owner.SendMessageAsync("/unmod helper");
        await AckAsync(owner, "unmod");
        await helper.SendMessageAsync("/untimeout fan");
        await ErrorAsync(helper, "forbidden");
    }

    [Fact]
    public async Task RateLimit_ViewerOverTheLimit_IsBlockedWithSecondsToWait_ModeratorsHaveTheirOwnLimit()
    {
        var host = await StartAnotherAsync(o =>
        {
            o.RateLimits.Viewer.PermitLimit = 3;
            o.RateLimits.Moderator.PermitLimit = 6;
        });
        await using var fan = await host.ConnectAsync("r1", "fan");
        await using var mod = await host.ConnectAsync("r1", "mia", role: "moderator");
        await fan.ReceiveAsync("user_joined");

        for (var i = 0; i < 3; i++)
        {
            await SendAndSeeAsync(fan, mod, "fan " + i);
        }

        await fan.SendMessageAsync("one too many");
        var blocked = await fan.ReceiveAsync("message_blocked");
        Assert.Equal("rate_limited", blocked.GetProperty("reason").GetString());
        Assert.InRange(blocked.GetProperty("retryAfter").GetInt32(), 1, 30);
        for (var i = 0; i < 6; i++)
        {
            await SendAndSeeAsync(mod, fan, "mod " + i);
        }

        await mod.SendMessageAsync("/clear");
        Assert.Equal("rate_limited", (await mod.ReceiveAsync("message_blocked")).GetProperty("reason").GetString());
        Assert.Empty(await fan.DrainAsync());
    }

    [Fact]
    public async Task StreamLimit_CapsAllViewersTogether_SparesModerators_AndOtherStreams()
    {
        var host = await StartAnotherAsync(o =>
        {
            o.RateLimits.Stream.PermitLimit = 3;
            o.RateLimits.Stream.Window = TimeSpan.FromHours(1);
        });
        await using var ann = await host.ConnectAsync("r3", "ann");
        await using var ben = await host.ConnectAsync("r3", "ben");
        await using var mod = await host.ConnectAsync("r3", "mia", role: "moderator");
        await using var elsewhere = await host.ConnectAsync("r3-other", "eve");
        await ann.ReceiveAsync("user_joined");
        await ann.ReceiveAsync("user_joined");
        await ben.ReceiveAsync("user_joined");

        await SendAndSeeAsync(ann, mod, "ann 0");
        await SendAndSeeAsync(ben, mod, "ben 0");
        await SendAndSeeAsync(ann, mod, "ann 1");

        // Each viewer is far under their own limit, but the stream's viewers together have used its three.
        await ben.SendMessageAsync("ben 1");
        var blocked = await ben.ReceiveAsync("message_blocked");
        Assert.Equal("rate_limited", blocked.GetProperty("reason").GetString());
        Assert.Contains("busy", blocked.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.InRange(blocked.GetProperty("retryAfter").GetInt32(), 1, 3600);
        await ann.SendMessageAsync("ann 2");
        Assert.Equal("rate_limited", (await ann.ReceiveAsync("message_blocked")).GetProperty("reason").GetString());

        await SendAndSeeAsync(mod, ann, "the moderator is still heard");
        await SendAndSeeAsync(elsewhere, elsewhere, "another stream has its own allowance");
        Assert.DoesNotContain(await mod.DrainAsync(), f => ProtocolAssert.Type(f) == "message" && f.GetProperty("message").GetString() is "ben 1" or "ann 2");
    }

    [Fact]
    public async Task History_OverItsLimit_IsRefusedWithRateLimited_AndSecondsToWait()
    {
        var host = await StartAnotherAsync(o => o.RateLimits.History.PermitLimit = 2);
        await using var fan = await host.ConnectAsync("r2", "fan");

        await HistoryAsync(fan);
        await HistoryAsync(fan);
        await fan.SendAsync("""{"action":"history"}""");

        var error = await ErrorAsync(fan, "rate_limited");
        Assert.InRange(error.GetProperty("retryAfter").GetInt32(), 1, 30);
    }

    [Fact]
    public async Task ConnectionsPerUser_BeyondTheLimit_AreRefusedWith429_AndNothingIsStored()
    {
        var host = await StartAnotherAsync(o => o.MaxConnectionsPerUser = 2);
        await using var first = await host.ConnectAsync("r3", "ana");
        await using var second = await host.ConnectAsync("r3", "ana");
        await first.DrainAsync();

        Assert.Equal(429, await host.ConnectExpectingRefusalAsync("r3", "ana", "Ana"));

        Assert.Empty(await first.DrainAsync());
        await using var elsewhere = await host.ConnectAsync("r4", "ana");
        await using var other = await host.ConnectAsync("r3", "bob");
        await second.SendAsync("""{"action":"hello"}""");
        Assert.Equal(3, (await second.ReceiveAsync("welcome")).GetProperty("viewerCount").GetInt32());
    }

    [Fact]
    public async Task HandshakesPerAddress_BeyondTheLimit_AreRefusedWith429()
    {
        var host = await StartAnotherAsync(o => o.RateLimits.Handshake.PermitLimit = 2);
        await using var first = await host.ConnectAsync("r5", "ana");
        await using var second = await host.ConnectAsync("r5", "bob");

        Assert.Equal(429, await host.ConnectExpectingRefusalAsync("r5", "carol", "Carol"));
    }
}
