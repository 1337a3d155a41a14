using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.Folding;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Folding;

/// <summary>The conformance suite every <see cref="IFoldStore"/> passes.</summary>
public abstract class FoldStoreTestsBase
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    protected abstract Task<IFoldStore> CreateStoreAsync();

    [Fact]
    public async Task OneCallerClaims_EveryMarkIsTaken_AndTheTakeReleasesTheClaim()
    {
        var store = await CreateStoreAsync();
        var timeout = TimeSpan.FromSeconds(30);

        var first = await store.MarkAsync("s1", "reactions", "m1", timeout).DefaultTimeout();
        var second = await store.MarkAsync("s1", "reactions", "m2", timeout).DefaultTimeout();
        var again = await store.MarkAsync("s1", "reactions", "m1", timeout).DefaultTimeout();
        var elsewhere = await store.MarkAsync("s2", "reactions", "m9", timeout).DefaultTimeout();

        Assert.Equal(new FoldClaim(true, null), first);
        Assert.False(second.Claimed);
        Assert.False(again.Claimed);
        Assert.True(elsewhere.Claimed);
        Assert.Equal(["m1", "m2"], (await store.TakeAsync("s1", "reactions").DefaultTimeout()).Order(StringComparer.Ordinal));
        Assert.Empty(await store.TakeAsync("s1", "presence").DefaultTimeout());

        Time.Advance(TimeSpan.FromMilliseconds(100));
        var next = await store.MarkAsync("s1", "reactions", "m3", timeout).DefaultTimeout();
        Assert.True(next.Claimed);
        Assert.Equal(Time.GetUtcNow().AddMilliseconds(-100).ToUnixTimeMilliseconds(), next.LastFlushedAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(["m3"], await store.TakeAsync("s1", "reactions").DefaultTimeout());
    }

    [Fact]
    public async Task AClaimHeldLongerThanItsTimeout_IsTakenOver()
    {
        var store = await CreateStoreAsync();
        Assert.True((await store.MarkAsync("s1", "presence", "count", TimeSpan.FromMilliseconds(300)).DefaultTimeout()).Claimed);
        Assert.False((await store.MarkAsync("s1", "presence", "count", TimeSpan.FromMilliseconds(300)).DefaultTimeout()).Claimed);

        // Redis expires the claim on its own clock; the others compare against the time provider.
        Time.Advance(TimeSpan.FromMilliseconds(400));
        await Task.Delay(400);

        Assert.True((await store.MarkAsync("s1", "presence", "count", TimeSpan.FromMilliseconds(300)).DefaultTimeout()).Claimed);
    }
}
