using System.Diagnostics;
using System.Text.Json;
using StreamChat.Core;

namespace StreamChat.Testing;

/// <summary>
/// Recovery after reconnect, replies, reactions, whispers and presence (PROTOCOL "Chat at live-stream scale"), written
/// once and run against each host and backend: Kestrel in memory, the Lambda handler on dynalite, two Kestrel nodes on Redis.
/// </summary>
public abstract class ChatExperienceConformanceTests : IAsyncLifetime
{
    private readonly List<IChatTestHost> _hosts = [];

    private IChatTestHost Host => _hosts[0];

    private protected abstract Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null);

    public async Task InitializeAsync() => _hosts.Add(await StartHostAsync(o => o.RateLimits.Viewer.PermitLimit = 200));

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

    private static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>Sends a message and returns its id as the sender's echo carries it.</summary>
    private static async Task<string> SendAsync(IChatTestConnection sender, string text, string? replyTo = null)
    {
        await sender.SendAsync(replyTo is null ? Json(new { action = "message", message = text }) : Json(new { action = "message", message = text, replyTo }));
        while (true)
        {
            var frame = await sender.ReceiveAsync("message");
            if (frame.GetProperty("message").GetString() == text)
            {
                return frame.GetProperty("messageId").GetString()!;
            }
        }
    }

    private static async Task<JsonElement> ErrorAsync(IChatTestConnection connection, string code)
    {
        var error = await connection.ReceiveAsync("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error;
    }

    private static Dictionary<string, int> Counts(JsonElement reactions, string messageId) =>
        reactions.GetProperty("reactions").EnumerateArray()
            .Single(r => r.GetProperty("messageId").GetString() == messageId)
            .GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    [Fact]
    public async Task Reconnect_AfterMissingTenMessagesAndADeletion_ReplaysExactlyThose_InOrder_ThenTheTombstone()
    {
        await using var mod = await Host.ConnectAsync("x1", "mia", role: "moderator");
        var viewer = await Host.ConnectAsync("x1", "vic");
        var seenBefore = await SendAsync(mod, "before the drop");
        var seen = await SendAsync(mod, "the last one vic saw");
        Assert.Equal(seenBefore, (await viewer.ReceiveAsync("message")).GetProperty("messageId").GetString());
        Assert.Equal(seen, (await viewer.ReceiveAsync("message")).GetProperty("messageId").GetString());
        await viewer.CloseAsync();
        await viewer.DisposeAsync();

        var texts = new[] { "one while away", "two while away", "three", "four", "five", "six", "seven", "eight", "nine", "ten at last" };
        var ids = new List<string>();
        foreach (var text in texts[..5])
        {
            ids.Add(await SendAsync(mod, text));
        }

        await mod.SendMessageAsync("/delete " + seenBefore);
        await mod.ReceiveAsync("command_result");
        foreach (var text in texts[5..])
        {
            ids.Add(await SendAsync(mod, text));
        }

        await using var back = await Host.ConnectAsync("x1", "vic");
        await back.SendAsync(Json(new { action = "hello", since = seen }));

        var welcome = await back.ReceiveAsync("welcome");
        Assert.True(welcome.GetProperty("recovered").GetBoolean());
        var replayed = new List<JsonElement>();
        for (var i = 0; i < 11; i++)
        {
            replayed.Add(await back.ReceiveAsync());
        }

        Assert.Equal(
            [.. texts.Select(t => "message:" + t), "message_deleted:" + seenBefore],
            replayed.Select(f => f.GetProperty("type").GetString() + ":" + (f.GetProperty("type").GetString() == "message" ? f.GetProperty("message").GetString() : f.GetProperty("messageId").GetString())));
        Assert.Equal(ids, replayed.Where(f => f.GetProperty("type").GetString() == "message").Select(f => f.GetProperty("messageId").GetString()));
        Assert.DoesNotContain(await back.DrainAsync(), f => f.GetProperty("type").GetString() is "message" or "message_deleted");
    }

    [Fact]
    public async Task Reconnect_BeyondTheWindow_OrFromAnUnknownId_SaysRecoveredFalse_AndReplaysNothing()
    {
        var host = await StartAnotherAsync(o => o.MaxRecoveredMessages = 3);
        await using var sender = await host.ConnectAsync("x2", "sam");
        var since = await SendAsync(sender, "the last seen");
        foreach (var text in new[] { "a1", "b2", "c3", "d4" })
        {
            await SendAsync(sender, text);
        }

        await using var back = await host.ConnectAsync("x2", "vic");
        foreach (var id in new[] { since, "01JZZZZZZZZZZZZZZZZZZZZZZZ" })
        {
            await back.SendAsync(Json(new { action = "hello", since = id }));
            Assert.False((await back.ReceiveAsync("welcome")).GetProperty("recovered").GetBoolean());
            Assert.DoesNotContain(await back.DrainAsync(), f => f.GetProperty("type").GetString() is "message" or "message_deleted");
        }

        await back.SendAsync(Json(new { action = "history", since, limit = 10 }));
        var history = await back.ReceiveAsync("history");
        Assert.True(history.GetProperty("recovered").GetBoolean());
        Assert.Equal(["a1", "b2", "c3", "d4"], history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()));
        Assert.Empty(history.GetProperty("deletedMessageIds").EnumerateArray());
    }

    [Fact]
    public async Task Reconnect_DoesNotRecoverAShadowBannedUsersMessages_ForOthers_ButItsAuthorGetsThem()
    {
        await using var mod = await Host.ConnectAsync("x3", "mia", role: "moderator");
        await using var troll = await Host.ConnectAsync("x3", "troll");
        var since = await SendAsync(mod, "before the troll");
        await mod.SendMessageAsync("/shadowban troll");
        await mod.ReceiveAsync("command_result");
        await SendAsync(troll, "hidden words");
        await SendAsync(mod, "visible words");

        await using var viewer = await Host.ConnectAsync("x3", "vic");
        await viewer.SendAsync(Json(new { action = "hello", since }));
        Assert.True((await viewer.ReceiveAsync("welcome")).GetProperty("recovered").GetBoolean());
        Assert.Equal("visible words", (await viewer.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.DoesNotContain(await viewer.DrainAsync(), f => f.GetProperty("type").GetString() == "message");

        // The author saw the moderator's message live (on two nodes it may come through the backplane late, so wait
        // for it before the hello), and recovery gives it its own hidden message back. The two came from different
        // senders (on two nodes, perhaps in the same millisecond), so recovery orders them by id, not by arrival.
        Assert.Equal("visible words", (await troll.ReceiveAsync("message")).GetProperty("message").GetString());
        await troll.SendAsync(Json(new { action = "hello", since }));
        await troll.ReceiveAsync("welcome");
        string?[] recovered = [(await troll.ReceiveAsync("message")).GetProperty("message").GetString(), (await troll.ReceiveAsync("message")).GetProperty("message").GetString()];
        Assert.Equal(["hidden words", "visible words"], recovered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reply_CarriesTheParentsIdAuthorAndAShortQuote_LiveAndInHistory_AndAnUnknownParentIsAnError()
    {
        await using var ann = await Host.ConnectAsync("x4", "ann", "Ann");
        await using var bob = await Host.ConnectAsync("x4", "bob", "Bob");
        var longText = "That last boss fight was honestly the best thing I have seen on this channel, the dodge at the end was unreal and the music fit perfectly.";
        var parent = await SendAsync(ann, longText);
        await bob.ReceiveAsync("message");

        await bob.SendAsync(Json(new { action = "message", message = "agreed", replyTo = parent }));
        var reply = await ann.ReceiveAsync("message");
        var replyTo = reply.GetProperty("replyTo");
        Assert.Equal(parent, replyTo.GetProperty("messageId").GetString());
        Assert.Equal("ann", replyTo.GetProperty("userId").GetString());
        Assert.Equal("Ann", replyTo.GetProperty("username").GetString());
        var quote = replyTo.GetProperty("quote").GetString()!;
        Assert.EndsWith("…", quote, StringComparison.Ordinal);
        Assert.StartsWith(quote[..^1], longText, StringComparison.Ordinal);
        Assert.True(quote.Length <= 101);

        await ann.SendAsync("""{"action":"history"}""");
        var history = (await ann.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(parent, history[^1].GetProperty("replyTo").GetProperty("messageId").GetString());

        await bob.SendAsync(Json(new { action = "message", message = "to nothing", replyTo = "01JZZZZZZZZZZZZZZZZZZZZZZZ" }));
        await ErrorAsync(bob, "unknown_message");
        await bob.SendAsync("""{"action":"message","message":"bad","replyTo":42}""");
        await ErrorAsync(bob, "missing_field");
        Assert.DoesNotContain(await ann.DrainAsync(), f => f.GetProperty("type").GetString() == "message");
    }

    [Fact]
    public async Task Reactions_AreCountedOncePerUserAndEmoji_FoldedIntoReactionsFrames_AndKeptInHistory()
    {
        await using var ann = await Host.ConnectAsync("x5", "ann");
        await using var bob = await Host.ConnectAsync("x5", "bob");
        var id = await SendAsync(ann, "react to this");
        await bob.ReceiveAsync("message");

        await bob.SendAsync(Json(new { action = "react", messageId = id, emoji = "🔥" }));
        Assert.Equal(new Dictionary<string, int> { ["🔥"] = 1 }, Counts(await ann.ReceiveAsync("reactions"), id));
        Assert.Equal(new Dictionary<string, int> { ["🔥"] = 1 }, Counts(await bob.ReceiveAsync("reactions"), id));
        await bob.SendAsync(Json(new { action = "react", messageId = id, emoji = "🔥" }));
        await ann.AssertNoFrameAsync(TimeSpan.FromMilliseconds(700));

        await ann.SendAsync(Json(new { action = "react", messageId = id, emoji = "🔥" }));
        Assert.Equal(new Dictionary<string, int> { ["🔥"] = 2 }, Counts(await bob.ReceiveAsync("reactions"), id));
        await ann.SendAsync(Json(new { action = "unreact", messageId = id, emoji = "🔥" }));
        Assert.Equal(new Dictionary<string, int> { ["🔥"] = 1 }, Counts(await bob.ReceiveAsync("reactions"), id));

        await bob.SendAsync("""{"action":"history"}""");
        var message = (await bob.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("messageId").GetString() == id);
        Assert.Equal(1, message.GetProperty("reactions").GetProperty("🔥").GetInt32());

        await bob.SendAsync(Json(new { action = "react", messageId = id, emoji = "💩" }));
        Assert.Contains("👍", (await ErrorAsync(bob, "invalid_reaction")).GetProperty("message").GetString(), StringComparison.Ordinal);
        await bob.SendAsync(Json(new { action = "react", messageId = "01JZZZZZZZZZZZZZZZZZZZZZZZ", emoji = "👍" }));
        await ErrorAsync(bob, "unknown_message");
        await bob.SendAsync("""{"action":"react","emoji":"👍"}""");
        await ErrorAsync(bob, "missing_field");
    }

    [Fact]
    public async Task ReactionBurst_IsFoldedPerStream_WithExactFinalCounts()
    {
        var host = await StartAnotherAsync(o => o.Reactions.FoldInterval = TimeSpan.FromMilliseconds(250));
        var viewers = new List<IChatTestConnection>();
        for (var i = 0; i < 20; i++)
        {
            viewers.Add(await host.ConnectAsync("x6", "v" + i));
        }

        try
        {
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                ids.Add(await SendAsync(viewers[0], "burst target " + i));
            }

            foreach (var viewer in viewers)
            {
                await viewer.DrainAsync();
            }

            var emoji = new[] { "👍", "🔥" };
            var started = Stopwatch.StartNew();
            await Task.WhenAll(viewers.Select(async viewer =>
            {
                foreach (var id in ids)
                {
                    foreach (var e in emoji)
                    {
                        await viewer.SendAsync(Json(new { action = "react", messageId = id, emoji = e }));
                    }
                }
            }));
            var sent = started.Elapsed;

            await Task.Delay(1_500);

            // Folded: frames at least one interval apart (by the server's timestamps; a little slack for the clock's
            // millisecond and for two processes), so no more than the time they span allows. Where the reactions are
            // handled after the sends return (API Gateway, Lambda), the span is the handling's, not the sending's.
            var allowed = (int)Math.Ceiling((started.Elapsed - TimeSpan.FromMilliseconds(1_500) + sent).TotalMilliseconds / 250) + 2;
            var expected = new Dictionary<string, int> { ["👍"] = 20, ["🔥"] = 20 };
            foreach (var viewer in viewers)
            {
                // Two processes' folded frames can arrive out of order: a client applies the newest (docs/protocol.md).
                // Where the reactions are handled after the sends return, the last fold may still be on its way: wait
                // for it (bounded), keeping every frame that came.
                var frames = new List<JsonElement>();
                var last = new Dictionary<string, Dictionary<string, int>>();
                var waiting = Stopwatch.StartNew();
                while (true)
                {
                    frames.AddRange((await viewer.DrainAsync()).Where(f => f.GetProperty("type").GetString() == "reactions"));
                    frames = frames.OrderBy(f => DateTimeOffset.Parse(f.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                    last.Clear();
                    foreach (var frame in frames)
                    {
                        foreach (var r in frame.GetProperty("reactions").EnumerateArray())
                        {
                            last[r.GetProperty("messageId").GetString()!] = r.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
                        }
                    }

                    if ((last.Count == ids.Count && last.Values.All(c => c.Count == 2 && c.All(e => expected.GetValueOrDefault(e.Key) == e.Value))) || waiting.Elapsed > TimeSpan.FromSeconds(10))
                    {
                        break;
                    }

                    await Task.Delay(200);
                }

                var times = frames.Select(f => DateTimeOffset.Parse(f.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                Assert.NotEmpty(frames);
                Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(230), $"reactions frames {pair.First:HH:mm:ss.fff} and {pair.Second:HH:mm:ss.fff} are less than an interval apart"));
                Assert.InRange(frames.Count, 1, Math.Max(allowed, (int)Math.Ceiling((times[^1] - times[0]).TotalMilliseconds / 250) + 2));
                Assert.Equal(ids.Order(StringComparer.Ordinal), last.Keys.Order(StringComparer.Ordinal));
                Assert.All(last.Values, counts => Assert.Equal(expected, counts));
            }
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Whisper_ReachesEveryConnectionOfTheRecipient_AndTheSender_NobodyElse_AndNeverHistory()
    {
        await using var ann = await Host.ConnectAsync("x7", "ann", "Ann");
        await using var bobPhone = await Host.ConnectAsync("x7", "bob");
        await using var bobLaptop = await Host.ConnectAsync("x7", "bob");
        await using var eve = await Host.ConnectAsync("x7", "eve");
        foreach (var c in new[] { ann, bobPhone, bobLaptop, eve })
        {
            await c.DrainAsync();
        }

        await ann.SendAsync(Json(new { action = "whisper", toUserId = "bob", message = "psst, great stream" }));
        foreach (var c in new[] { bobPhone, bobLaptop, ann })
        {
            var whisper = await c.ReceiveAsync("whisper");
            Assert.Equal("ann", whisper.GetProperty("fromUserId").GetString());
            Assert.Equal("Ann", whisper.GetProperty("fromUsername").GetString());
            Assert.Equal("bob", whisper.GetProperty("toUserId").GetString());
            Assert.Equal("psst, great stream", whisper.GetProperty("message").GetString());
        }

        Assert.Empty(await eve.DrainAsync());
        await eve.SendAsync("""{"action":"history"}""");
        Assert.Empty((await eve.ReceiveAsync("history")).GetProperty("messages").EnumerateArray());

        await ann.SendAsync(Json(new { action = "whisper", toUserId = "nobody", message = "hello?" }));
        await ErrorAsync(ann, "recipient_unavailable");
        await ann.SendAsync(Json(new { action = "whisper", toUserId = "ann", message = "me" }));
        await ErrorAsync(ann, "recipient_unavailable");
        await ann.SendAsync("""{"action":"whisper","message":"to whom"}""");
        await ErrorAsync(ann, "missing_field");

        await Task.Delay(1_100); // past the whisper burst limit (3 per second)
        await ann.SendAsync(Json(new { action = "whisper", toUserId = "bob", message = "you are a fucking idiot" }));
        Assert.Equal("profanity", (await ann.ReceiveAsync("message_blocked")).GetProperty("reason").GetString());
        Assert.DoesNotContain(await bobPhone.DrainAsync(), f => f.GetProperty("type").GetString() == "whisper");
    }

    [Fact]
    public async Task Whisper_IsRateLimitedOnItsOwn()
    {
        await using var ann = await Host.ConnectAsync("x8", "ann");
        await using var bob = await Host.ConnectAsync("x8", "bob");
        for (var i = 0; i < 3; i++)
        {
            await ann.SendAsync(Json(new { action = "whisper", toUserId = "bob", message = "number " + i }));
            await ann.ReceiveAsync("whisper");
        }

        await ann.SendAsync(Json(new { action = "whisper", toUserId = "bob", message = "one too many" }));
        var error = await ErrorAsync(ann, "rate_limited");
        Assert.True(error.GetProperty("retryAfter").GetInt32() >= 1);
        await SendAsync(ann, "chat still works");
    }

    [Fact]
    public async Task Presence_AboveTheThreshold_BecomesAFoldedViewerCount_AndBelowItIndividualNoticesReturn()
    {
        var host = await StartAnotherAsync(o =>
        {
            o.Presence.IndividualEventsUpTo = 2;
            o.Presence.ViewerCountInterval = TimeSpan.FromMilliseconds(400);
        });
        await using var a = await host.ConnectAsync("x9", "a");
        var b = await host.ConnectAsync("x9", "b");
        Assert.Equal("b", (await a.ReceiveAsync("user_joined")).GetProperty("userId").GetString());

        var c = await host.ConnectAsync("x9", "c");
        var d = await host.ConnectAsync("x9", "d");
        var e = await host.ConnectAsync("x9", "e");
        await Task.Delay(1_000);
        var frames = await a.DrainAsync();
        Assert.DoesNotContain(frames, f => f.GetProperty("type").GetString() == "user_joined");
        var counts = frames.Where(f => f.GetProperty("type").GetString() == "viewer_count").Select(f => f.GetProperty("viewerCount").GetInt32()).ToList();
        Assert.InRange(counts.Count, 1, 3);
        Assert.Equal(5, counts[^1]);

        foreach (var gone in new[] { e, d, c })
        {
            await gone.CloseAsync();
            await gone.DisposeAsync();
        }

        await Task.Delay(1_000);
        frames = await a.DrainAsync();
        Assert.DoesNotContain(frames, f => f.GetProperty("type").GetString() == "user_left");
        Assert.Equal(2, frames.Last(f => f.GetProperty("type").GetString() == "viewer_count").GetProperty("viewerCount").GetInt32());

        await b.CloseAsync();
        await b.DisposeAsync();
        Assert.Equal("b", (await a.ReceiveAsync("user_left")).GetProperty("userId").GetString());
    }
}
