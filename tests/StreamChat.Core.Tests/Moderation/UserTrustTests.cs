using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Tests.Moderation;

public sealed class UserTrustTests
{
    private static readonly ModerationResult Hostile = ModerationResult.Block(BlockReason.Toxicity, "toxicity.insult", "x");
    private static readonly ModerationResult Profane = ModerationResult.Block(BlockReason.Profanity, "profanity.word", "x");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));

    private InMemoryUserTrust Trust(Action<TrustOptions>? configure = null)
    {
        var options = new StreamChatOptions();
        configure?.Invoke(options.Moderation.Trust);
        return new InMemoryUserTrust(Options.Create(options), _time);
    }

    [Fact]
    public async Task NewUser_BecomesTrusted_AfterTheConfiguredAllowedMessages_PerStream()
    {
        var trust = Trust();
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
        var trust = Trust(o => o.FlaggedMessages = 2);
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
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "ana"));
    }

    [Fact]
    public async Task ZeroMessagesToTrust_TrustsUnknownUsers()
    {
        Assert.Equal(UserTrustLevel.Trusted, await Trust(o => o.MessagesToTrust = 0).GetLevelAsync("s1", "new"));
    }

    [Fact]
    public async Task Table_IsBounded_LeastRecentlySeenGoFirst()
    {
        var trust = Trust(o => o.MaxTrackedUsers = 100);
        for (var i = 0; i < 3; i++)
        {
            await trust.RecordAsync("s1", "regular", ModerationResult.Allowed);
        }

        for (var i = 0; i < 500; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            for (var k = 0; k < 3; k++)
            {
                await trust.RecordAsync("s1", "user-" + i, ModerationResult.Allowed); // trusted while it is kept
            }

            await trust.RecordAsync("s1", "regular", ModerationResult.Allowed);
        }

        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "regular"));
        Assert.Equal(UserTrustLevel.New, await trust.GetLevelAsync("s1", "user-0"));   // dropped: starts again as new
        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "user-499"));
    }
}
