namespace StreamChat.Core.Moderation;

/// <summary>What the pipeline does when a moderator throws or times out.</summary>
public enum ModerationFailureMode
{
    /// <summary>Deliver the message as if the failing moderator had allowed it.</summary>
    FailOpen,

    /// <summary>Block the message (the sender is told moderation is unavailable).</summary>
    FailClosed,
}
