using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.Messages;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Messages;

/// <summary>The conformance suite every <see cref="IMessageStore"/> passes.</summary>
public abstract class MessageStoreTestsBase
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    protected abstract Task<IMessageStore> CreateStoreAsync(TimeSpan timeToLive, int maxPerStream = 1000);

    private int _sequence;

    protected ChatMessage Message(string text, string stream = "stream-1") =>
        new($"01J{Interlocked.Increment(ref _sequence):D23}", stream, "user", "User", text, Time.GetUtcNow());

    [Fact]
    public async Task GetRecentAsync_ReturnsNewestNOldestFirst()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(24));
        foreach (var text in new[] { "a", "b", "c", "d", "e" })
        {
            await store.AddAsync(Message(text)).DefaultTimeout();
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var recent = await store.GetRecentAsync("stream-1", 3).DefaultTimeout();

        Assert.Equal(["c", "d", "e"], recent.Select(m => m.Text));
    }

    [Fact]
    public async Task GetRecentAsync_ExpiredMessages_AreNeverReturned()
    {
        var store = await CreateStoreAsync(TimeSpan.FromMinutes(10));
        await store.AddAsync(Message("old")).DefaultTimeout();
        Time.Advance(TimeSpan.FromMinutes(6));
        await store.AddAsync(Message("new")).DefaultTimeout();
        Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(["new"], (await store.GetRecentAsync("stream-1", 50).DefaultTimeout()).Select(m => m.Text));

        Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Empty(await store.GetRecentAsync("stream-1", 50).DefaultTimeout());
    }

    [Fact]
    public async Task GetRecentAsync_TwoStreams_AreKeptApart()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        await store.AddAsync(Message("in a", "stream-a")).DefaultTimeout();
        await store.AddAsync(Message("in b", "stream-b")).DefaultTimeout();

        Assert.Equal(["in a"], (await store.GetRecentAsync("stream-a", 10).DefaultTimeout()).Select(m => m.Text));
        Assert.Empty(await store.GetRecentAsync("stream-c", 10).DefaultTimeout());
    }

    [Fact]
    public async Task GetRecentAsync_ExactlyTheLimit_ReturnsAllOldestFirst()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        for (var i = 0; i < 30; i++)
        {
            await store.AddAsync(Message("m" + i)).DefaultTimeout();
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var recent = await store.GetRecentAsync("stream-1", 30).DefaultTimeout();

        Assert.Equal(30, recent.Count);
        Assert.Equal("m0", recent[0].Text);
        Assert.Equal("m29", recent[^1].Text);
    }

    [Fact]
    public async Task AddAsync_AfterStreamExpired_StreamWorksAgain()
    {
        var store = await CreateStoreAsync(TimeSpan.FromMinutes(1));
        await store.AddAsync(Message("gone")).DefaultTimeout();
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await store.GetRecentAsync("stream-1", 10).DefaultTimeout());

        await store.AddAsync(Message("back")).DefaultTimeout();

        Assert.Equal(["back"], (await store.GetRecentAsync("stream-1", 10).DefaultTimeout()).Select(m => m.Text));
    }

    private ChatMessage MessageBy(string user, string text, string stream = "stream-1") => Message(text, stream) with { UserId = user };

    [Fact]
    public async Task DeleteAsync_RemovesThoseIdsFromHistory_AndReportsOnlyTheOnesItHeld()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        var a = Message("a");
        var b = Message("b");
        var other = Message("x", "stream-2");
        foreach (var m in new[] { a, b, other })
        {
            await store.AddAsync(m).DefaultTimeout();
        }

        var deleted = await store.DeleteAsync("stream-1", [a.MessageId, other.MessageId, "01JZZZZZZZZZZZZZZZZZZZZZZZ"]).DefaultTimeout();

        Assert.Equal([a.MessageId], deleted);
        Assert.Equal(["b"], (await store.GetRecentAsync("stream-1", 10).DefaultTimeout()).Select(m => m.Text));
        Assert.Equal(["x"], (await store.GetRecentAsync("stream-2", 10).DefaultTimeout()).Select(m => m.Text));
        Assert.Empty(await store.DeleteAsync("stream-1", [a.MessageId]).DefaultTimeout());
    }

    [Fact]
    public async Task DeleteByUserAsync_RemovesOneAuthorsMessagesInOneStream_OldestFirst()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        var first = MessageBy("troll", "1");
        var kept = MessageBy("fan", "2");
        var second = MessageBy("troll", "3");
        var elsewhere = MessageBy("troll", "4", "stream-2");
        foreach (var m in new[] { first, kept, second, elsewhere })
        {
            await store.AddAsync(m).DefaultTimeout();
        }

        var deleted = await store.DeleteByUserAsync("stream-1", "troll").DefaultTimeout();

        Assert.Equal([first.MessageId, second.MessageId], deleted);
        Assert.Equal(["2"], (await store.GetRecentAsync("stream-1", 10).DefaultTimeout()).Select(m => m.Text));
        Assert.Single(await store.GetRecentAsync("stream-2", 10).DefaultTimeout());
        Assert.Empty(await store.DeleteByUserAsync("stream-1", "troll").DefaultTimeout());
    }

    [Fact]
    public async Task ClearAsync_EmptiesOneStreamsHistory_AndNewMessagesAreKeptAfterwards()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        await store.AddAsync(Message("a")).DefaultTimeout();
        await store.AddAsync(Message("z", "stream-2")).DefaultTimeout();

        await store.ClearAsync("stream-1").DefaultTimeout();
        await store.AddAsync(Message("b")).DefaultTimeout();

        Assert.Equal(["b"], (await store.GetRecentAsync("stream-1", 10).DefaultTimeout()).Select(m => m.Text));
        Assert.Single(await store.GetRecentAsync("stream-2", 10).DefaultTimeout());
    }

    [Fact]
    public async Task HiddenMessages_AreReturnedMarkedHidden()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        await store.AddAsync(Message("seen")).DefaultTimeout();
        await store.AddAsync(Message("shadow") with { Hidden = true }).DefaultTimeout();

        var recent = await store.GetRecentAsync("stream-1", 10).DefaultTimeout();

        Assert.Equal([false, true], recent.Select(m => m.Hidden));
    }

    private static IReactionStore Reactions(IMessageStore store) =>
        Assert.IsAssignableFrom<IReactionStore>(store);

    [Fact]
    public async Task GetSinceAsync_ReturnsTheMessagesAfterTheOneSeen_AndTombstonesOfThoseDeletedSinceItWasSent()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        var early = Message("early");
        var seen = Message("seen");
        await store.AddAsync(early).DefaultTimeout();
        await store.AddAsync(seen).DefaultTimeout();
        Time.Advance(TimeSpan.FromSeconds(1));
        var missed = new List<ChatMessage>();
        for (var i = 0; i < 4; i++)
        {
            var message = Message("missed " + i);
            missed.Add(message);
            await store.AddAsync(message).DefaultTimeout();
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([early.MessageId], await store.DeleteAsync("stream-1", [early.MessageId]).DefaultTimeout());
        await store.DeleteAsync("stream-1", [missed[1].MessageId]).DefaultTimeout();

        var replay = await store.GetSinceAsync("stream-1", seen.MessageId, 10).DefaultTimeout();

        Assert.True(replay.IsComplete);
        Assert.Equal(["missed 0", "missed 2", "missed 3"], replay.Messages.Select(m => m.Text));
        var tombstone = Assert.Single(replay.Tombstones);
        Assert.Equal(early.MessageId, tombstone.MessageId);
        Assert.Equal(Time.GetUtcNow().ToUnixTimeMilliseconds(), tombstone.DeletedAt.ToUnixTimeMilliseconds());
        Assert.DoesNotContain(missed[1].MessageId, (await store.GetRecentAsync("stream-1", 50).DefaultTimeout()).Select(m => m.MessageId));
        Assert.Empty(await store.DeleteAsync("stream-1", [early.MessageId]).DefaultTimeout());
    }

    [Fact]
    public async Task GetSinceAsync_IsIncomplete_ForAnUnknownOrExpiredId_OrAGapLongerThanTheLimit()
    {
        var store = await CreateStoreAsync(TimeSpan.FromMinutes(10));
        var seen = Message("seen");
        await store.AddAsync(seen).DefaultTimeout();
        Time.Advance(TimeSpan.FromSeconds(1));
        foreach (var text in new[] { "a", "b", "c" })
        {
            await store.AddAsync(Message(text)).DefaultTimeout();
        }

        Assert.False((await store.GetSinceAsync("stream-1", "01JZZZZZZZZZZZZZZZZZZZZZZZ", 10).DefaultTimeout()).IsComplete);
        Assert.False((await store.GetSinceAsync("stream-other", seen.MessageId, 10).DefaultTimeout()).IsComplete);
        Assert.False((await store.GetSinceAsync("stream-1", seen.MessageId, 2).DefaultTimeout()).IsComplete);
        Assert.True((await store.GetSinceAsync("stream-1", seen.MessageId, 3).DefaultTimeout()).IsComplete);

        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.False((await store.GetSinceAsync("stream-1", seen.MessageId, 10).DefaultTimeout()).IsComplete);
    }

    [Fact]
    public async Task GetSinceAsync_FromADeletedMessage_StillReplays_AndAClearLeavesATombstonePerMessage()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        var one = Message("one");
        var two = Message("two");
        await store.AddAsync(one).DefaultTimeout();
        await store.AddAsync(two).DefaultTimeout();
        Time.Advance(TimeSpan.FromSeconds(1));

        await store.ClearAsync("stream-1").DefaultTimeout();
        var after = Message("after the clear");
        await store.AddAsync(after).DefaultTimeout();

        var replay = await store.GetSinceAsync("stream-1", two.MessageId, 10).DefaultTimeout();
        Assert.True(replay.IsComplete);
        Assert.Equal([after.MessageId], replay.Messages.Select(m => m.MessageId));
        Assert.Equal([one.MessageId, two.MessageId], replay.Tombstones.Select(t => t.MessageId));
        Assert.Null(await store.FindAsync("stream-1", one.MessageId).DefaultTimeout());
        Assert.Equal(["after the clear"], (await store.GetRecentAsync("stream-1", 10).DefaultTimeout()).Select(m => m.Text));
    }

    [Fact]
    public async Task FindAsync_ReturnsAHeldMessage_WithItsReply_AndNothingForDeletedOrExpiredOnes()
    {
        var store = await CreateStoreAsync(TimeSpan.FromMinutes(10));
        var parent = Message("the parent");
        await store.AddAsync(parent).DefaultTimeout();
        var reply = Message("the reply") with { ReplyTo = new MessageReference(parent.MessageId, "user", "User", "the parent") };
        await store.AddAsync(reply).DefaultTimeout();

        Assert.Equal("the parent", (await store.FindAsync("stream-1", parent.MessageId).DefaultTimeout())!.Text);
        Assert.Equal(reply.ReplyTo, (await store.FindAsync("stream-1", reply.MessageId).DefaultTimeout())!.ReplyTo);
        Assert.Equal(reply.ReplyTo, (await store.GetRecentAsync("stream-1", 10).DefaultTimeout())[1].ReplyTo);
        Assert.Null(await store.FindAsync("stream-2", parent.MessageId).DefaultTimeout());

        await store.DeleteAsync("stream-1", [parent.MessageId]).DefaultTimeout();
        Assert.Null(await store.FindAsync("stream-1", parent.MessageId).DefaultTimeout());
        Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Null(await store.FindAsync("stream-1", reply.MessageId).DefaultTimeout());
    }

    [Fact]
    public async Task Reactions_OnePerUserPerEmoji_AreCounted_AndCarriedByReads()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        var reactions = Reactions(store);
        var message = Message("react to me");
        var other = Message("no reactions");
        await store.AddAsync(message).DefaultTimeout();
        await store.AddAsync(other).DefaultTimeout();

        Assert.Equal(ReactionChange.Changed, await reactions.SetReactionAsync("stream-1", message.MessageId, "ann", "👍", true).DefaultTimeout());
        Assert.Equal(ReactionChange.Unchanged, await reactions.SetReactionAsync("stream-1", message.MessageId, "ann", "👍", true).DefaultTimeout());
        Assert.Equal(ReactionChange.Changed, await reactions.SetReactionAsync("stream-1", message.MessageId, "bob", "👍", true).DefaultTimeout());
        Assert.Equal(ReactionChange.Changed, await reactions.SetReactionAsync("stream-1", message.MessageId, "ann", "🔥", true).DefaultTimeout());
        Assert.Equal(ReactionChange.Changed, await reactions.SetReactionAsync("stream-1", message.MessageId, "ann", "🔥", false).DefaultTimeout());
        Assert.Equal(ReactionChange.Unchanged, await reactions.SetReactionAsync("stream-1", message.MessageId, "ann", "🔥", false).DefaultTimeout());
        Assert.Equal(ReactionChange.MessageNotFound, await reactions.SetReactionAsync("stream-1", "01JZZZZZZZZZZZZZZZZZZZZZZZ", "ann", "👍", true).DefaultTimeout());
        Assert.Equal(ReactionChange.MessageNotFound, await reactions.SetReactionAsync("stream-2", message.MessageId, "ann", "👍", true).DefaultTimeout());

        var counts = await reactions.GetReactionsAsync("stream-1", [message.MessageId, other.MessageId, "01JZZZZZZZZZZZZZZZZZZZZZZZ"]).DefaultTimeout();
        Assert.Equal(2, counts.Count);
        Assert.Equal(new Dictionary<string, int> { ["👍"] = 2 }, counts.Single(c => c.MessageId == message.MessageId).Counts);
        Assert.Empty(counts.Single(c => c.MessageId == other.MessageId).Counts);

        var recent = await store.GetRecentAsync("stream-1", 10).DefaultTimeout();
        Assert.Equal(new Dictionary<string, int> { ["👍"] = 2 }, recent[0].Reactions);
        Assert.Null(recent[1].Reactions);
        Assert.Equal(2, (await store.FindAsync("stream-1", message.MessageId).DefaultTimeout())!.Reactions!["👍"]);
    }

    [Fact]
    public async Task Reactions_OfADeletedMessage_AreGone_AndNewOnesAreRefused()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1));
        var reactions = Reactions(store);
        var message = Message("soon deleted");
        await store.AddAsync(message).DefaultTimeout();
        await reactions.SetReactionAsync("stream-1", message.MessageId, "ann", "👍", true).DefaultTimeout();

        await store.DeleteByUserAsync("stream-1", "user").DefaultTimeout();

        Assert.Equal(ReactionChange.MessageNotFound, await reactions.SetReactionAsync("stream-1", message.MessageId, "bob", "👍", true).DefaultTimeout());
        Assert.Empty(await reactions.GetReactionsAsync("stream-1", [message.MessageId]).DefaultTimeout());
    }
}
