namespace StreamChat.Core.Moderation;

/// <summary>How far a user is trusted in one stream, for moderators that cost money per call (Comprehend) to decide whom to check.</summary>
public enum UserTrustLevel
{
    /// <summary>The user has sent fewer than <see cref="TrustOptions.MessagesToTrust"/> allowed messages in the stream.</summary>
    New = 0,

    /// <summary>
    /// A message of the user was blocked as hostile (reason <c>toxicity</c> or <c>negative_sentiment</c>) within
    /// <see cref="TrustOptions.FlaggedFor"/> and <see cref="TrustOptions.FlaggedMessages"/>. Profanity, spam and personal data are settled by the local rules and do not flag.
    /// </summary>
    Flagged = 1,

    /// <summary>The user has a record of allowed messages in the stream and no recent flag.</summary>
    Trusted = 2,
}

/// <summary>
/// Keeps each user's standing per stream from the moderation decisions on their messages. The moderation step records
/// every decision after all moderators ran; moderators read the level before it is recorded.
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently. The default keeps a bounded table in process memory; a shared store
/// (DynamoDB, Redis) can implement it so that trust holds across Lambda instances and nodes.
/// </remarks>
public interface IUserTrust
{
    /// <summary>Gets the user's trust level in the stream.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The level; <see cref="UserTrustLevel.New"/> for a user never seen.</returns>
    ValueTask<UserTrustLevel> GetLevelAsync(string streamId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Records the moderation decision on one of the user's messages.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="userId">The user.</param>
    /// <param name="verdict">What moderation decided.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the decision is recorded.</returns>
    ValueTask RecordAsync(string streamId, string userId, ModerationResult verdict, CancellationToken cancellationToken = default);
}
