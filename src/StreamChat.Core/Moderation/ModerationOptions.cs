using Microsoft.Extensions.Options;

namespace StreamChat.Core.Moderation;

/// <summary>
/// Options of moderation as a whole (configuration section <c>StreamChat:Moderation</c>): what every moderator's failure
/// means and what the audit trail keeps, plus the options of the local rules (profanity, spam, personal data, hostility).
/// </summary>
public sealed class ModerationOptions
{
    /// <summary>Gets or sets what happens to a message when any moderator (local or remote, such as Comprehend) throws or times out.</summary>
    /// <value>The default value is <see cref="ModerationFailureMode.FailOpen"/>.</value>
    public ModerationFailureMode FailureMode { get; set; } = ModerationFailureMode.FailOpen;

    /// <summary>Gets or sets a value indicating whether audit entries carry the raw message text.</summary>
    /// <value>The default value is <see langword="false"/>: the text is personal data.</value>
    public bool AuditIncludesText { get; set; }

    /// <summary>Gets the local profanity rule's options.</summary>
    public ProfanityOptions Profanity { get; } = new();

    /// <summary>Gets the local spam rules' options.</summary>
    [ValidateObjectMembers]
    public SpamOptions Spam { get; } = new();

    /// <summary>Gets the options of the user trust levels that paid moderators read to decide whom to check.</summary>
    [ValidateObjectMembers]
    public TrustOptions Trust { get; } = new();

    /// <summary>Gets the local hostility rule's options.</summary>
    [ValidateObjectMembers]
    public HostilityOptions Hostility { get; } = new();

    /// <summary>Gets the local personal-data rules' options.</summary>
    [ValidateObjectMembers]
    public PiiOptions Pii { get; } = new();
}
