using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.Moderation;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Tests.Moderation;

/// <summary>The conformance suite every <see cref="IUserTrust"/> passes.</summary>
public abstract class UserTrustTestsBase
{
    protected static readonly ModerationResult Hostile = ModerationResult.Block(BlockReason.Toxicity, "toxicity.insult", "x");
    protected static readonly ModerationResult Profane = ModerationResult.Block(BlockReason.Profanity, "profanity.word", "x");

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch.AddYears(56));

    /// <summary>Two stores over one backend with the given trust options (for the in-memory store, the same instance).</summary>
    protected abstract Task<(IUserTrust First, IUserTrust Second)> CreateAsync(Action<TrustOptions>? configure = null);

    [Fact]
    public async Task NewUser_BecomesTrusted_AfterTheConfiguredAllowedMessages_PerStream()
    {
        var (trust, _) = await CreateAsync();
        Assert.Equal(UserTrustLevel.New, await trust.GetLevelAsync("s1", "ana"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(UserTrustLevel.New, await trust.GetLevelAsync("s1", "ana"));
            await trust.RecordAsync("s1", "ana", ModerationResult.Allowed);
        }

        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "ana"));
        Assert.Equal(UserTrustLevel.New, await trust.GetLevelAsync("s2", "ana"));
    }

    [Fact]
    public async Task HostileBlock_Flags_ForTheNextMessagesOrTheWindow_WhicheverEndsFirst_ProfanityDoesNot()
    {
        var (trust, _) = await CreateAsync(o => o.FlaggedMessages = 2);
        for (var i = 0; i < 5; i++)
        {
            await trust.RecordAsync("s1", "ana", ModerationResult.Allowed);
        }

        await trust.RecordAsync("s1", "ana", Profane);
        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "ana"));

        await trust.RecordAsync("s1", "ana", Hostile);
        Assert.Equal(UserTrustLevel.Flagged, await trust.GetLevelAsync("s1", "ana"));
        await trust.RecordAsync("s1", "ana", ModerationResult.Allowed);
        Assert.Equal(UserTrustLevel.Flagged, await trust.GetLevelAsync("s1", "ana"));
        await trust.RecordAsync("s1", "ana", ModerationResult.Allowed);
        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "ana"));

        await trust.RecordAsync("s1", "ana", Hostile);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "ana"));
    }

    [Fact]
    public async Task ZeroMessagesToTrust_TrustsUnknownUsers()
    {
        Assert.Equal(UserTrustLevel.Trusted, await (await CreateAsync(o => o.MessagesToTrust = 0)).First.GetLevelAsync("s1", "new"));
    }

    [Fact]
    public async Task Standing_IsShared_ByEveryStoreOverTheSameBackend()
    {
        var (first, second) = await CreateAsync(o => o.FlaggedMessages = 5);
        for (var i = 0; i < 2; i++)
        {
            await first.RecordAsync("s1", "ana", ModerationResult.Allowed);
        }

        await second.RecordAsync("s1", "ana", ModerationResult.Allowed);
        Assert.Equal(UserTrustLevel.Trusted, await first.GetLevelAsync("s1", "ana"));

        await first.RecordAsync("s1", "ana", Hostile);
        Assert.Equal(UserTrustLevel.Flagged, await second.GetLevelAsync("s1", "ana"));
    }

    [Fact]
    public async Task ConcurrentDecisions_AreAllCounted()
    {
        var (first, second) = await CreateAsync(o => o.MessagesToTrust = 40);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? first : second).RecordAsync("s1", "ana", ModerationResult.Allowed).AsTask()));

        Assert.Equal(UserTrustLevel.Trusted, await first.GetLevelAsync("s1", "ana"));
    }

    [Fact]
    public async Task StreamAndUserIds_ThatRunTogether_AreKeptApart()
    {
        var (trust, _) = await CreateAsync(o => o.MessagesToTrust = 1);
        await trust.RecordAsync("a:b", "c", ModerationResult.Allowed);

        Assert.Equal(UserTrustLevel.New, await trust.GetLevelAsync("a", "b:c"));
        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("a:b", "c"));
    }
}
