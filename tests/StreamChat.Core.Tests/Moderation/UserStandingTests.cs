using StreamChat.Core.Moderation;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Tests.Moderation;

public sealed class UserStandingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, null, 0, UserTrustLevel.New)]
    [InlineData(2, null, 0, UserTrustLevel.New)]
    [InlineData(3, null, 0, UserTrustLevel.Trusted)]
    [InlineData(9, -30, 19, UserTrustLevel.Flagged)]   // flagged half an hour ago, 19 messages since
    [InlineData(9, -30, 20, UserTrustLevel.Trusted)]   // the 20 messages ended the flag
    [InlineData(9, -60, 0, UserTrustLevel.Trusted)]    // the hour ended it
    [InlineData(1, -60, 0, UserTrustLevel.New)]
    public void LevelAt_AppliesTheTrustOptions(long allowed, int? flaggedMinutesAgo, long sinceFlag, UserTrustLevel expected)
    {
        var standing = new UserStanding(allowed, flaggedMinutesAgo is { } m ? Now.AddMinutes(m) : null, sinceFlag);

        Assert.Equal(expected, standing.LevelAt(Now, new TrustOptions()));
    }

    [Fact]
    public void Flags_OnlyHostileBlocks()
    {
        Assert.True(UserStanding.Flags(ModerationResult.Block(BlockReason.Toxicity, "toxicity.insult", "x")));
        Assert.True(UserStanding.Flags(ModerationResult.Block(BlockReason.NegativeSentiment, "comprehend.sentiment", "x")));
        Assert.False(UserStanding.Flags(ModerationResult.Block(BlockReason.Profanity, "profanity.word", "x")));
        Assert.False(UserStanding.Flags(ModerationResult.Allowed));
    }
}
