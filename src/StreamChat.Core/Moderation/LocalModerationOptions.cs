using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.Moderation;

/// <summary>Options of the local moderation rules (profanity, spam, personal data) and of moderation as a whole.</summary>
public sealed class LocalModerationOptions
{
    /// <summary>Gets or sets a value indicating whether the profanity word list is checked.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ProfanityEnabled { get; set; } = true;

    /// <summary>Gets words blocked in addition to the built-in English list (whole words, case-insensitive).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> BlockedWords { get; } = [];

    /// <summary>Gets words never blocked as profanity, even when on the built-in list.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> AllowedWords { get; } = [];

    /// <summary>Gets or sets a value indicating whether the spam rules run.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SpamEnabled { get; set; } = true;

    /// <summary>Gets phrases blocked as spam in addition to the built-in list (case-insensitive substrings).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> SpamPhrases { get; } = [];

    /// <summary>Gets or sets the longest run of one repeated character that is not spam.</summary>
    /// <value>The default value is 15.</value>
    [Range(3, 10_000)]
    public int MaxRepeatedCharacters { get; set; } = ModerationConstants.DefaultMaxRepeatedCharacters;

    /// <summary>Gets or sets a value indicating whether personal data (e-mail addresses, phone and card numbers) is blocked.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PiiEnabled { get; set; } = true;

    /// <summary>Gets or sets the region (ISO 3166 two-letter code) used to read phone numbers written without a country code.</summary>
    /// <value>The default value is <c>US</c>.</value>
    [Required]
    [RegularExpression("^[A-Z]{2}\\z")]
    public string DefaultPhoneRegion { get; set; } = ModerationConstants.DefaultPhoneRegion;

    /// <summary>Gets or sets what happens to a message when a moderator throws.</summary>
    /// <value>The default value is <see cref="ModerationFailureMode.FailOpen"/>.</value>
    public ModerationFailureMode FailureMode { get; set; } = ModerationFailureMode.FailOpen;

    /// <summary>Gets or sets a value indicating whether audit entries carry the raw message text.</summary>
    /// <value>The default value is <see langword="false"/>: the text is personal data.</value>
    public bool AuditIncludesText { get; set; }
}
