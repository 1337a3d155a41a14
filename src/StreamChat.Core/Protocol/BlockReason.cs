namespace StreamChat.Core.Protocol;

/// <summary>
/// Why a message was blocked, as carried in the <c>reason</c> field of a <c>message_blocked</c> frame.
/// </summary>
public enum BlockReason
{
    /// <summary>Profanity or slurs (<c>profanity</c>).</summary>
    Profanity,

    /// <summary>Spam: scam phrases, link or character floods (<c>spam</c>).</summary>
    Spam,

    /// <summary>Personal data such as e-mail addresses, phone or card numbers (<c>pii</c>).</summary>
    Pii,

    /// <summary>Strongly negative sentiment (<c>negative_sentiment</c>).</summary>
    NegativeSentiment,

    /// <summary>Toxic content (<c>toxicity</c>).</summary>
    Toxicity,

    /// <summary>The sender exceeded a rate limit (<c>rate_limited</c>).</summary>
    RateLimited,

    /// <summary>The sender is muted (<c>muted</c>).</summary>
    Muted,

    /// <summary>The sender is banned (<c>banned</c>).</summary>
    Banned,

    /// <summary>The stream is in slow mode (<c>slow_mode</c>).</summary>
    SlowMode,

    /// <summary>A moderator failed or timed out while moderation fails closed (<c>moderation_unavailable</c>); never reported as <see cref="Toxicity"/>.</summary>
    ModerationUnavailable,
}
