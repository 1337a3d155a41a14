using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.RateLimiting;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.RateLimiting;

/// <summary>The conformance suite every <see cref="IRateLimitCounter"/> passes.</summary>
public abstract class RateLimitCounterTestsBase
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Two counters over one backend (for the in-memory counter, the same instance).</summary>
    protected abstract Task<(IRateLimitCounter First, IRateLimitCounter Second)> CreateCountersAsync();

    [Fact]
    public async Task GrantsTheLimit_ThenDenies_WithTheTimeLeftInTheWindow()
    {
        var (counter, _) = await CreateCountersAsync();

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await counter.TryAcquireAsync("k", 3, Window).DefaultTimeout()).IsAllowed);
            Time.Advance(TimeSpan.FromSeconds(5));
        }

        var denied = await counter.TryAcquireAsync("k", 3, Window).DefaultTimeout();
        Assert.False(denied.IsAllowed);
        Assert.Equal(TimeSpan.FromSeconds(15), denied.RetryAfter);
    }

    [Fact]
    public async Task AfterTheWindowCloses_PermitsAreGrantedAgain_AndTheNewWindowStartsAtTheFirstOfThem()
    {
        var (counter, _) = await CreateCountersAsync();
        Assert.True((await counter.TryAcquireAsync("k", 1, Window).DefaultTimeout()).IsAllowed);
        Time.Advance(Window);

        Assert.True((await counter.TryAcquireAsync("k", 1, Window).DefaultTimeout()).IsAllowed);
        Time.Advance(TimeSpan.FromSeconds(10));
        var denied = await counter.TryAcquireAsync("k", 1, Window).DefaultTimeout();

        Assert.False(denied.IsAllowed);
        Assert.Equal(TimeSpan.FromSeconds(20), denied.RetryAfter);
    }

    [Fact]
    public async Task Keys_AreCountedApart()
    {
        var (counter, _) = await CreateCountersAsync();

        Assert.True((await counter.TryAcquireAsync("ana", 1, Window).DefaultTimeout()).IsAllowed);
        Assert.True((await counter.TryAcquireAsync("bob", 1, Window).DefaultTimeout()).IsAllowed);
        Assert.False((await counter.TryAcquireAsync("ana", 1, Window).DefaultTimeout()).IsAllowed);
    }

    [Fact]
    public async Task TwoCountersOverOneBackend_TogetherNeverGrantMoreThanTheLimit_UnderConcurrency()
    {
        var (first, second) = await CreateCountersAsync();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? first : second).TryAcquireAsync("shared", 10, Window))));

        Assert.Equal(10, decisions.Count(d => d.IsAllowed));
        Assert.All(decisions.Where(d => !d.IsAllowed), d => Assert.InRange(d.RetryAfter, TimeSpan.FromTicks(1), Window));
    }

    [Fact]
    public async Task BadArguments_AreRefused()
    {
        var (counter, _) = await CreateCountersAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await counter.TryAcquireAsync("", 1, Window));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await counter.TryAcquireAsync("k", 0, Window));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await counter.TryAcquireAsync("k", 1, TimeSpan.Zero));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await counter.TryAcquireAsync(new string('k', 513), 1, Window));
    }
}
