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
    public void NewUser_BecomesTrusted_AfterTheConfiguredAllowedMessages_PerStream()
    {
        var trust = Trust();
        Assert.Equal(UserTrustLevel.New, trust.GetLevel("s1", "ana"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(UserTrustLevel.New, trust.GetLevel("s1", "ana"));
            trust.Record("s1", "ana", ModerationResult.Allowed);
        }

        Assert.Equal(UserTrustLevel.Trusted, trust.GetLevel("s1", "ana"));
        Assert.Equal(UserTrustLevel.New, trust.GetLevel("s2", "ana"));
    }

    [Fact]
    public void HostileBlock_Flags_ForTheNextMessagesOrTheWindow_WhicheverEndsFirst_ProfanityDoesNot()
    {
        var trust = Trust(o => o.FlaggedMessages = 2);
        for (var i = 0; i < 5; i++)
        {
            trust.Record("s1", "ana", ModerationResult.Allowed);
        }

        trust.Record("s1", "ana", Profane);
        Assert.Equal(UserTrustLevel.Trusted, trust.GetLevel("s1", "ana"));

        trust.Record("s1", "ana", Hostile);
        Assert.Equal(UserTrustLevel.Flagged, trust.GetLevel("s1", "ana"));
        trust.Record("s1", "ana", ModerationResult.Allowed);
        Assert.Equal(UserTrustLevel.Flagged, trust.GetLevel("s1", "ana"));
        trust.Record("s1", "ana", ModerationResult.Allowed);
        Assert.Equal(UserTrustLevel.Trusted, trust.GetLevel("s1", "ana"));

        trust.Record("s1", "ana", Hostile);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(UserTrustLevel.Trusted, trust.GetLevel("s1", "ana"));
    }

    [Fact]
    public void ZeroMessagesToTrust_TrustsUnknownUsers()
    {
        Assert.Equal(UserTrustLevel.Trusted, Trust(o => o.MessagesToTrust = 0).GetLevel("s1", "new"));
    }

    [Fact]
    public void Table_IsBounded_LeastRecentlySeenGoFirst()
    {
        var trust = Trust(o => o.MaxTrackedUsers = 100);
        for (var i = 0; i < 3; i++)
        {
            trust.Record("s1", "regular", ModerationResult.Allowed);
        }

        for (var i = 0; i < 500; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            for (var k = 0; k < 3; k++)
            {
                trust.Record("s1", "user-" + i, ModerationResult.Allowed); // trusted while it is kept
            }

            trust.Record("s1", "regular", ModerationResult.Allowed);
        }

        Assert.Equal(UserTrustLevel.Trusted, trust.GetLevel("s1", "regular"));
        Assert.Equal(UserTrustLevel.New, trust.GetLevel("s1", "user-0"));   // dropped: starts again as new
        Assert.Equal(UserTrustLevel.Trusted, trust.GetLevel("s1", "user-499"));
    }
}
