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
}
