namespace StreamChat.Core.Moderation;

/// <summary>
/// One moderation rule set: looks at a message and its context and allows or blocks it.
/// </summary>
/// <remarks>
/// Moderators are registered with <c>TryAddEnumerable</c> and run in registration order, cheapest
/// first; the first block wins and later moderators are not asked. Implementations must be safe to
/// call concurrently. A block is a result, not an exception; an exception is treated by the
/// configured <see cref="ModerationFailureMode"/>.
/// </remarks>
public interface IMessageModerator
{
    /// <summary>Decides whether the message in <paramref name="context"/> may be delivered.</summary>
    /// <param name="context">The message and who sent it where.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see cref="ModerationResult.Allowed"/> or a block with its reason and rule.</returns>
    ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default);
}
