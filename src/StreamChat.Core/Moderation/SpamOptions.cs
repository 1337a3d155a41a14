using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.Moderation;

/// <summary>Options of the spam rules. Each rule can be switched off on its own.</summary>
public sealed class SpamOptions
{
    /// <summary>Gets or sets a value indicating whether the spam rules run at all.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the built-in scam phrases ("free v-bucks", "buy followers", ...) are used.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseDefaultPhrases { get; set; } = true;

    /// <summary>Gets phrases blocked in addition to the built-in ones (case, accents, leetspeak and punctuation are ignored).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Phrases { get; } = [];

    /// <summary>Gets or sets a value indicating whether links to domains not on <see cref="AllowedLinkDomains"/> are blocked.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool BlockLinks { get; set; } = true;

    /// <summary>Gets the domains links may point to (a domain also allows its subdomains), e.g. <c>twitch.tv</c>.</summary>
    /// <value>The default value is empty.</value>
    public IList<string> AllowedLinkDomains { get; } = [];

    /// <summary>Gets or sets a value indicating whether a user repeating the same text within <see cref="DuplicateWindow"/> is blocked.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool BlockDuplicates { get; set; } = true;

    /// <summary>Gets or sets how long a user's message counts as recent for the duplicate rule.</summary>
    /// <value>The default value is 30 seconds. Must be between one second and one hour.</value>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the shortest message the duplicate rule applies to, so "gg" or "lol" twice is fine.</summary>
    /// <value>The default value is 10 characters.</value>
    [Range(1, 10_000)]
    public int DuplicateMinLength { get; set; } = 10;

    /// <summary>Gets or sets the longest run of one repeated character that is not spam (<c>nooooo</c> is fine, a wall is not).</summary>
    /// <value>The default value is 20.</value>
    [Range(3, 10_000)]
    public int MaxRepeatedCharacters { get; set; } = 20;

    /// <summary>Gets or sets the fewest letters that make an all-caps message a wall. Shorter shouting ("LETS GOOO") is fine.</summary>
    /// <value>The default value is 40. Zero switches the rule off.</value>
    [Range(0, 10_000)]
    public int CapsWallMinLetters { get; set; } = 40;

    /// <summary>Gets or sets the fewest emoji that make a message an emoji wall.</summary>
    /// <value>The default value is 15. Zero switches the rule off.</value>
    [Range(0, 10_000)]
    public int EmojiWallMinEmoji { get; set; } = 15;

    /// <summary>Gets or sets the most combining marks allowed on one character before the text counts as zalgo.</summary>
    /// <value>The default value is 3 (real scripts need at most two or three). Zero switches the rule off.</value>
    [Range(0, 100)]
    public int ZalgoMaxMarksPerCharacter { get; set; } = 3;
}
