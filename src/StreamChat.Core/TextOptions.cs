namespace StreamChat.Core;

/// <summary>
/// Text hygiene (<c>StreamChat:Text</c>): what happens to message text that no person can read safely before anyone
/// sees it. Line breaks, tabs and the other whitespace controls always become one space; NFC normalization is on by
/// default. docs/protocol.md ("Text hygiene") states the rule.
/// </summary>
public sealed class TextOptions
{
    /// <summary>
    /// Gets or sets what happens to a message holding control characters other than whitespace (NUL, BEL, ESC of an
    /// ANSI escape, C1 controls) or bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    /// </summary>
    /// <value>The default value is <see cref="ControlCharacterHandling.Strip"/>.</value>
    public ControlCharacterHandling ControlCharacters { get; set; } = ControlCharacterHandling.Strip;

    /// <summary>
    /// Gets or sets a value indicating whether message text is put in Unicode normalization form C, so the same
    /// words are the same characters for moderation, history and every client. A process running with
    /// <c>InvariantGlobalization</c> has no normalization data, and .NET then leaves text as it is.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool NormalizeToNfc { get; set; } = true;
}

/// <summary>What happens to a message holding control characters or bidirectional formatting.</summary>
public enum ControlCharacterHandling
{
    /// <summary>They are removed and the rest of the message goes on (an empty remainder is <c>empty_message</c>).</summary>
    Strip,

    /// <summary>The message is refused with <c>invalid_text</c>; nobody sees it.</summary>
    Refuse,
}
