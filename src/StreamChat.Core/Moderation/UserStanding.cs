using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation;

/// <summary>
/// What an <see cref="IUserTrust"/> store keeps of one user in one stream, and the rules that turn it into a
/// <see cref="UserTrustLevel"/>; every store (in memory, DynamoDB, Redis) applies the same rules through it.
/// </summary>
/// <param name="AllowedMessages">How many of the user's messages in the stream were allowed.</param>
/// <param name="FlaggedAt">When a message of the user was last blocked as hostile, if ever.</param>
/// <param name="MessagesSinceFlag">How many of the user's messages were decided since that block.</param>
public readonly record struct UserStanding(long AllowedMessages, DateTimeOffset? FlaggedAt, long MessagesSinceFlag)
{
    /// <summary>True when <paramref name="verdict"/> flags its sender: a block as hostile (toxicity or negative sentiment). Profanity, spam and personal data do not.</summary>
    /// <param name="verdict">The moderation decision on a message.</param>
    /// <returns>Whether the sender is flagged by it.</returns>
    public static bool Flags(ModerationResult verdict) => verdict.Reason is BlockReason.Toxicity or BlockReason.NegativeSentiment;

    /// <summary>Gets the level this standing gives at <paramref name="now"/> under <paramref name="options"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="options">The trust options.</param>
    /// <returns>Flagged within <see cref="TrustOptions.FlaggedFor"/> and <see cref="TrustOptions.FlaggedMessages"/> of a flag; otherwise trusted after <see cref="TrustOptions.MessagesToTrust"/> allowed messages; otherwise new.</returns>
    public UserTrustLevel LevelAt(DateTimeOffset now, TrustOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (FlaggedAt is { } flagged && now - flagged < options.FlaggedFor && MessagesSinceFlag < options.FlaggedMessages)
        {
            return UserTrustLevel.Flagged;
        }

        return AllowedMessages >= options.MessagesToTrust ? UserTrustLevel.Trusted : UserTrustLevel.New;
    }
}
