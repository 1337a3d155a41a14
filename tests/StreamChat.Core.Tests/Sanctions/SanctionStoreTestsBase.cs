using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.Sanctions;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Sanctions;

/// <summary>The conformance suite every <see cref="ISanctionStore"/> passes.</summary>
public abstract class SanctionStoreTestsBase
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    protected abstract Task<ISanctionStore> CreateStoreAsync();

    [Fact]
    public async Task NewUser_HasNoStanding()
    {
        var store = await CreateStoreAsync();

        Assert.Equal(ChatStanding.None, await store.GetStandingAsync("s1", "ana").DefaultTimeout());
        Assert.Empty(await store.GetModeratorsAsync("s1").DefaultTimeout());
    }

    [Fact]
    public async Task Ban_HoldsInThatStreamForThatUserOnly_UntilLifted()
    {
        var store = await CreateStoreAsync();

        await store.SetAsync("s1", "troll", SanctionKind.Ban, null).DefaultTimeout();
        Time.Advance(TimeSpan.FromDays(400));

        Assert.Equal(new ChatStanding { IsBanned = true }, await store.GetStandingAsync("s1", "troll").DefaultTimeout());
        Assert.Equal(ChatStanding.None, await store.GetStandingAsync("s2", "troll").DefaultTimeout());
        Assert.Equal(ChatStanding.None, await store.GetStandingAsync("s1", "fan").DefaultTimeout());
        Assert.True(await store.RemoveAsync("s1", "troll", SanctionKind.Ban).DefaultTimeout());
        Assert.False(await store.RemoveAsync("s1", "troll", SanctionKind.Ban).DefaultTimeout());
        Assert.Equal(ChatStanding.None, await store.GetStandingAsync("s1", "troll").DefaultTimeout());
    }

    [Fact]
    public async Task Timeout_EndsAtItsExpiry_AndLiftingAnExpiredOneReportsNothingLifted()
    {
        var store = await CreateStoreAsync();
        var until = Time.GetUtcNow().AddSeconds(600);

        await store.SetAsync("s1", "loud", SanctionKind.Timeout, until).DefaultTimeout();

        Assert.Equal(until, (await store.GetStandingAsync("s1", "loud").DefaultTimeout()).TimedOutUntil);
        Time.Advance(TimeSpan.FromSeconds(599));
        Assert.NotNull((await store.GetStandingAsync("s1", "loud").DefaultTimeout()).TimedOutUntil);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null((await store.GetStandingAsync("s1", "loud").DefaultTimeout()).TimedOutUntil);
        Assert.False(await store.RemoveAsync("s1", "loud", SanctionKind.Timeout).DefaultTimeout());
    }

    [Fact]
    public async Task Timeout_SetAgain_ReplacesTheEarlierOne()
    {
        var store = await CreateStoreAsync();

        await store.SetAsync("s1", "loud", SanctionKind.Timeout, Time.GetUtcNow().AddHours(1)).DefaultTimeout();
        await store.SetAsync("s1", "loud", SanctionKind.Timeout, Time.GetUtcNow().AddSeconds(5)).DefaultTimeout();

        Assert.Equal(Time.GetUtcNow().AddSeconds(5), (await store.GetStandingAsync("s1", "loud").DefaultTimeout()).TimedOutUntil);
    }

    [Fact]
    public async Task Kinds_AreIndependent_AndAllReadInOneStanding()
    {
        var store = await CreateStoreAsync();

        await store.SetAsync("s1", "ana", SanctionKind.ShadowBan, null).DefaultTimeout();
        await store.SetAsync("s1", "ana", SanctionKind.Moderator, null).DefaultTimeout();
        await store.SetSlowModeAsync("s1", TimeSpan.FromSeconds(30)).DefaultTimeout();

        Assert.Equal(
            new ChatStanding { IsShadowBanned = true, IsGrantedModerator = true, SlowMode = TimeSpan.FromSeconds(30) },
            await store.GetStandingAsync("s1", "ana").DefaultTimeout());
        Assert.True(await store.RemoveAsync("s1", "ana", SanctionKind.ShadowBan).DefaultTimeout());
        Assert.Equal(new ChatStanding { IsGrantedModerator = true, SlowMode = TimeSpan.FromSeconds(30) }, await store.GetStandingAsync("s1", "ana").DefaultTimeout());
    }

    [Fact]
    public async Task SlowMode_IsTheStreams_ForEveryUser_UntilTurnedOff()
    {
        var store = await CreateStoreAsync();

        await store.SetSlowModeAsync("s1", TimeSpan.FromSeconds(10)).DefaultTimeout();
        await store.SetSlowModeAsync("s1", TimeSpan.FromSeconds(20)).DefaultTimeout();

        Assert.Equal(TimeSpan.FromSeconds(20), (await store.GetStandingAsync("s1", "anyone").DefaultTimeout()).SlowMode);
        Assert.Null((await store.GetStandingAsync("s2", "anyone").DefaultTimeout()).SlowMode);
        await store.SetSlowModeAsync("s1", null).DefaultTimeout();
        Assert.Null((await store.GetStandingAsync("s1", "anyone").DefaultTimeout()).SlowMode);
    }

    [Fact]
    public async Task GetModeratorsAsync_ListsTheStreamsGrants()
    {
        var store = await CreateStoreAsync();

        await store.SetAsync("s1", "mia", SanctionKind.Moderator, null).DefaultTimeout();
        await store.SetAsync("s1", "leo", SanctionKind.Moderator, null).DefaultTimeout();
        await store.SetAsync("s2", "zed", SanctionKind.Moderator, null).DefaultTimeout();
        await store.SetAsync("s1", "troll", SanctionKind.Ban, null).DefaultTimeout();
        await store.RemoveAsync("s1", "leo", SanctionKind.Moderator).DefaultTimeout();

        Assert.Equal(["mia"], await store.GetModeratorsAsync("s1").DefaultTimeout());
    }

    [Fact]
    public async Task BadArguments_AreRefused()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.SetAsync("s1", "ana", SanctionKind.Timeout, null));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetAsync("", "ana", SanctionKind.Ban, null));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetSlowModeAsync("s1", TimeSpan.Zero));
    }
}
