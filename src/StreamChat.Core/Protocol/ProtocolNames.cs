namespace StreamChat.Core.Protocol;

/// <summary>
/// The wire names of the protocol's codes, actions and frame types (PROTOCOL version 1).
/// </summary>
public static class ProtocolNames
{
    /// <summary>The client action that posts a chat message.</summary>
    public const string MessageAction = "message";

    /// <summary>The client action that asks for a <c>welcome</c>.</summary>
    public const string HelloAction = "hello";

    /// <summary>The client action that asks for a <c>pong</c>.</summary>
    public const string PingAction = "ping";

    /// <summary>The client action that asks for recent messages.</summary>
    public const string HistoryAction = "history";

    /// <summary>The client action that adds a reaction to a message.</summary>
    public const string ReactAction = "react";

    /// <summary>The client action that takes a reaction back.</summary>
    public const string UnreactAction = "unreact";

    /// <summary>The client action that sends a private message to a user in the same stream.</summary>
    public const string WhisperAction = "whisper";

    /// <summary>Returns the wire name of <paramref name="code"/>, e.g. <c>invalid_json</c>.</summary>
    /// <param name="code">The error code.</param>
    /// <returns>The snake_case name the protocol uses.</returns>
    public static string ToWireName(this ChatErrorCode code) => code switch
    {
        ChatErrorCode.InvalidJson => "invalid_json",
        ChatErrorCode.UnknownAction => "unknown_action",
        ChatErrorCode.MissingField => "missing_field",
        ChatErrorCode.EmptyMessage => "empty_message",
        ChatErrorCode.MessageTooLong => "message_too_long",
        ChatErrorCode.FrameTooLarge => "frame_too_large",
        ChatErrorCode.InternalError => "internal_error",
        ChatErrorCode.Forbidden => "forbidden",
        ChatErrorCode.UnknownCommand => "unknown_command",
        ChatErrorCode.InvalidCommand => "invalid_command",
        ChatErrorCode.RateLimited => "rate_limited",
        ChatErrorCode.UnknownMessage => "unknown_message",
        ChatErrorCode.InvalidReaction => "invalid_reaction",
        ChatErrorCode.RecipientUnavailable => "recipient_unavailable",
        ChatErrorCode.BinaryFrame => "binary_frame",
        ChatErrorCode.InvalidText => "invalid_text",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown error code."),
    };

    /// <summary>Returns the wire name of <paramref name="reason"/>, e.g. <c>negative_sentiment</c>.</summary>
    /// <param name="reason">The block reason.</param>
    /// <returns>The snake_case name the protocol uses.</returns>
    public static string ToWireName(this BlockReason reason) => reason switch
    {
        BlockReason.Profanity => "profanity",
        BlockReason.Spam => "spam",
        BlockReason.Pii => "pii",
        BlockReason.NegativeSentiment => "negative_sentiment",
        BlockReason.Toxicity => "toxicity",
        BlockReason.RateLimited => "rate_limited",
        BlockReason.Muted => "muted",
        BlockReason.Banned => "banned",
        BlockReason.SlowMode => "slow_mode",
        BlockReason.ModerationUnavailable => "moderation_unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown block reason."),
    };
}
