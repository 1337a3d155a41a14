using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation;

/// <summary>A moderation decision: allowed, or blocked with a reason, the rule that fired and a sentence for the sender.</summary>
public readonly record struct ModerationResult
{
    private ModerationResult(BlockReason reason, string rule, string explanation)
    {
        IsBlocked = true;
        Reason = reason;
        Rule = rule;
        Explanation = explanation;
    }

    /// <summary>Gets the decision that lets a message through.</summary>
    public static ModerationResult Allowed => default;

    /// <summary>Gets a value indicating whether the message is blocked.</summary>
    public bool IsBlocked { get; }

    /// <summary>Gets the protocol reason of a block; <see langword="null"/> when allowed.</summary>
    public BlockReason? Reason { get; }

    /// <summary>Gets the name of the rule that blocked, e.g. <c>pii.email</c>; <see langword="null"/> when allowed.</summary>
    public string? Rule { get; }

    /// <summary>Gets a sentence a person can read, sent to the sender; <see langword="null"/> when allowed.</summary>
    public string? Explanation { get; }

    /// <summary>Creates a block decision.</summary>
    /// <param name="reason">The protocol reason.</param>
    /// <param name="rule">The rule that fired, for the audit trail (e.g. <c>spam.phrase</c>).</param>
    /// <param name="explanation">A sentence for the sender saying why.</param>
    /// <returns>The decision.</returns>
    public static ModerationResult Block(BlockReason reason, string rule, string explanation)
    {
        ArgumentException.ThrowIfNullOrEmpty(rule);
        ArgumentException.ThrowIfNullOrEmpty(explanation);
        return new ModerationResult(reason, rule, explanation);
    }
}
