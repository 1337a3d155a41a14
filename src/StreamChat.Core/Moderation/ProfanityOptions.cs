namespace StreamChat.Core.Moderation;

/// <summary>Options of the profanity rule: whole words on a list, after undoing the usual disguises.</summary>
public sealed class ProfanityOptions
{
    /// <summary>Gets or sets a value indicating whether the rule runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the built-in English list (an embedded resource) is used.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseDefaultList { get; set; } = true;

    /// <summary>
    /// Gets words blocked in addition to the built-in list. A trailing <c>*</c> blocks every word that
    /// starts with it (<c>fuck*</c> also blocks <c>fucking</c>). An entry of up to four words blocks them in a row
    /// (<c>get rekt</c>); <c>!word</c>s after it void it when they stand just before or after it
    /// (<c>scrub !body</c>). Entries are validated at start-up.
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<string> BlockedWords { get; } = [];

    /// <summary>Gets words and phrases never blocked, even when on a list (<c>sod off</c> removes that built-in phrase).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> AllowedWords { get; } = [];
}
