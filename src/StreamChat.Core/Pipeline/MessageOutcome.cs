using StreamChat.Core.Protocol;

namespace StreamChat.Core.Pipeline;

/// <summary>What became of a chat message: delivered, or blocked with a reason the sender is told.</summary>
public readonly record struct MessageOutcome
{
    private MessageOutcome(BlockReason? reason, string? explanation, TimeSpan? retryAfter)
    {
        Reason = reason;
        Explanation = explanation;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the outcome of a delivered message.</summary>
    public static MessageOutcome Delivered => default;

    /// <summary>Gets a value indicating whether the message was blocked.</summary>
    public bool IsBlocked => Reason is not null;

    /// <summary>Gets why the message was blocked; <see langword="null"/> when delivered.</summary>
    public BlockReason? Reason { get; }

    /// <summary>Gets a sentence for the sender saying why; <see langword="null"/> when delivered.</summary>
    public string? Explanation { get; }

    /// <summary>Gets how long the sender must wait before a message can get through (muted, slow mode, rate limited); <see langword="null"/> otherwise.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Creates a blocked outcome: the sender gets <c>message_blocked</c>, nobody else sees anything.</summary>
    /// <param name="reason">The protocol reason.</param>
    /// <param name="explanation">A sentence for the sender.</param>
    /// <returns>The outcome.</returns>
    public static MessageOutcome Block(BlockReason reason, string explanation) => Block(reason, explanation, null);

    /// <summary>Creates a blocked outcome that tells the sender when to try again (<c>retryAfter</c>, in whole seconds, rounded up).</summary>
    /// <param name="reason">The protocol reason.</param>
    /// <param name="explanation">A sentence for the sender.</param>
    /// <param name="retryAfter">How long until a message can get through; <see langword="null"/> for no hint.</param>
    /// <returns>The outcome.</returns>
    public static MessageOutcome Block(BlockReason reason, string explanation, TimeSpan? retryAfter)
    {
        ArgumentException.ThrowIfNullOrEmpty(explanation);
        if (retryAfter is { } wait)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(retryAfter));
        }

        return new MessageOutcome(reason, explanation, retryAfter);
    }
}
