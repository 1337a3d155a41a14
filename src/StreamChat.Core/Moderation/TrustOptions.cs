using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.Moderation;

/// <summary>Options of the user trust levels (configuration section <c>StreamChat:Moderation:Trust</c>), see <see cref="IUserTrust"/>.</summary>
public sealed class TrustOptions
{
    /// <summary>Gets or sets how many allowed messages in a stream make a user trusted there.</summary>
    /// <value>The default value is 3: a viewer's first three messages in a stream are new-user messages; 0 trusts every user who has no recent flag.</value>
    [Range(0, 100_000)]
    public int MessagesToTrust { get; set; } = 3;

    /// <summary>Gets or sets how long a message blocked as hostile keeps its sender flagged (or until <see cref="FlaggedMessages"/>, whichever ends first).</summary>
    /// <value>The default value is one hour.</value>
    public TimeSpan FlaggedFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets for how many of the sender's next messages a message blocked as hostile keeps them flagged (or until <see cref="FlaggedFor"/>, whichever ends first).</summary>
    /// <value>The default value is 20.</value>
    [Range(0, 100_000)]
    public int FlaggedMessages { get; set; } = 20;

    /// <summary>Gets or sets how many (stream, user) records the in-memory table keeps; past it, the least recently seen half is dropped (those users start again as new).</summary>
    /// <value>The default value is 100,000 (about 10 MB).</value>
    [Range(100, 100_000_000)]
    public int MaxTrackedUsers { get; set; } = 100_000;
}
