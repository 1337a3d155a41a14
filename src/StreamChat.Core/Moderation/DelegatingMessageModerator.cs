namespace StreamChat.Core.Moderation;

/// <summary>
/// A base for moderators that wrap another one (logging, metrics, caching), passing calls through by default.
/// </summary>
public abstract class DelegatingMessageModerator : IMessageModerator
{
    /// <summary>Initializes a new instance of the <see cref="DelegatingMessageModerator"/> class.</summary>
    /// <param name="innerModerator">The moderator calls are passed to.</param>
    protected DelegatingMessageModerator(IMessageModerator innerModerator)
    {
        ArgumentNullException.ThrowIfNull(innerModerator);
        InnerModerator = innerModerator;
    }

    /// <summary>Gets the moderator calls are passed to.</summary>
    protected IMessageModerator InnerModerator { get; }

    /// <inheritdoc />
    public virtual ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default) =>
        InnerModerator.ModerateAsync(context, cancellationToken);
}
