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
}
