using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.Moderation;

/// <summary>
/// Options of the local hostility rule (configuration section <c>StreamChat:Moderation:Hostility</c>): insults aimed
/// at a person, threats, harassment, self-harm encouragement and identity-based hostility, found with word classes
/// and patterns, no cloud service. Blocks carry the reason <c>toxicity</c>.
/// </summary>
public sealed class HostilityOptions
{
    /// <summary>Gets or sets a value indicating whether the rule runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the score (0 to 1) from which a message is blocked.</summary>
    /// <value>The default value is 0.8: only patterns that are hostile in any reading block.</value>
    [Range(0.0, 1.0)]
    public double BlockThreshold { get; set; } = 0.8;

    /// <summary>
    /// Gets or sets the score (0 to 1) from which the local rule is unsure: the message is allowed here, and a remote
    /// moderator (Comprehend on AWS) that asks <see cref="IHostilityScorer"/> is called for it.
    /// </summary>
    /// <value>
    /// The default value is 0.5: the weak patterns ("you're trash", "i'm going to kill you" with no game or real-world
    /// word). At 0.45 and below a hostile word alone (an insult, a violent verb, a group) also counts; on the measured
    /// chat mix that added a third more Comprehend calls and no recall (docs/aws.md).
    /// </value>
    [Range(0.0, 1.0)]
    public double UnsureThreshold { get; set; } = 0.5;
}
