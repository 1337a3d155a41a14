using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation;

/// <summary>
/// A moderation decision: allowed; blocked with a reason, the rule that fired and a sentence for the
/// sender; or redacted, with the text to deliver instead.
/// </summary>
public readonly record struct ModerationResult
{
    private readonly BlockReason _reason;

    private ModerationResult(ModerationAction action, BlockReason reason, string rule, string explanation, string? redactedText)
    {
        Action = action;
        _reason = reason;
        Rule = rule;
        Explanation = explanation;
        RedactedText = redactedText;
    }

    /// <summary>Gets the decision that lets a message through unchanged.</summary>
    public static ModerationResult Allowed => default;

    /// <summary>Gets what the decision does with the message.</summary>
    public ModerationAction Action { get; }

    /// <summary>Gets a value indicating whether the message is blocked.</summary>
    public bool IsBlocked => Action == ModerationAction.Blocked;

    /// <summary>Gets a value indicating whether the message is delivered with <see cref="RedactedText"/> instead of its text.</summary>
    public bool IsRedacted => Action == ModerationAction.Redacted;

    /// <summary>Gets the protocol reason of a block or redaction; <see langword="null"/> when allowed.</summary>
    public BlockReason? Reason => Action == ModerationAction.Allowed ? null : _reason;

    /// <summary>Gets the name of the rule that fired, e.g. <c>pii.email</c>; <see langword="null"/> when allowed.</summary>
    public string? Rule { get; }

    /// <summary>Gets a sentence a person can read, sent to the sender; <see langword="null"/> when allowed.</summary>
    public string? Explanation { get; }

    /// <summary>Gets the text to deliver instead of the original when redacted; otherwise <see langword="null"/>.</summary>
    public string? RedactedText { get; }

    /// <summary>Creates a block decision.</summary>
    /// <param name="reason">The protocol reason.</param>
    /// <param name="rule">The rule that fired, for the audit trail (e.g. <c>spam.phrase</c>).</param>
    /// <param name="explanation">A sentence for the sender saying why.</param>
    /// <returns>The decision.</returns>
    public static ModerationResult Block(BlockReason reason, string rule, string explanation)
    {
        ArgumentException.ThrowIfNullOrEmpty(rule);
        ArgumentException.ThrowIfNullOrEmpty(explanation);
        return new ModerationResult(ModerationAction.Blocked, reason, rule, explanation, null);
    }

    /// <summary>Creates a redaction decision: the message is delivered as <paramref name="redactedText"/>.</summary>
    /// <param name="redactedText">The text with the offending parts masked.</param>
    /// <param name="reason">The protocol reason.</param>
    /// <param name="rule">The rule that fired, for the audit trail (e.g. <c>pii.phone</c>).</param>
    /// <param name="explanation">A sentence for the sender saying what was masked.</param>
    /// <returns>The decision.</returns>
    public static ModerationResult Redact(string redactedText, BlockReason reason, string rule, string explanation)
    {
        ArgumentException.ThrowIfNullOrEmpty(redactedText);
        ArgumentException.ThrowIfNullOrEmpty(rule);
        ArgumentException.ThrowIfNullOrEmpty(explanation);
        return new ModerationResult(ModerationAction.Redacted, reason, rule, explanation, redactedText);
    }
}
