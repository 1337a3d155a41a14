using StreamChat.Core.Protocol;

namespace StreamChat.Core.Tests.Protocol;

public sealed class ProtocolNamesTests
{
    [Fact]
    public void ToWireName_EveryErrorCode_MatchesTheProtocol()
    {
        string[] expected = ["invalid_json", "unknown_action", "missing_field", "empty_message", "message_too_long", "frame_too_large", "internal_error", "forbidden", "unknown_command", "invalid_command", "rate_limited", "unknown_message", "invalid_reaction", "recipient_unavailable", "binary_frame", "invalid_text"];

        Assert.Equal(expected, Enum.GetValues<ChatErrorCode>().Select(c => c.ToWireName()));
    }

    [Fact]
    public void ToWireName_EveryBlockReason_MatchesTheProtocol()
    {
        string[] expected = ["profanity", "spam", "pii", "negative_sentiment", "toxicity", "rate_limited", "muted", "banned", "slow_mode", "moderation_unavailable"];

        Assert.Equal(expected, Enum.GetValues<BlockReason>().Select(c => c.ToWireName()));
    }
}
