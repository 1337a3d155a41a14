using System.Text.Json.Serialization;

namespace StreamChat.Core.Protocol.Internal;

// Server-to-client frames of PROTOCOL version 1. Each is serialized once with the
// source-generated ChatJsonContext and the same bytes go to every recipient.

internal abstract class ServerFrame
{
    protected ServerFrame(string type) => Type = type;

    // Declared here, not overridden, so the order attribute applies: type first, then timestamp.
    [JsonPropertyOrder(-10)]
    public string Type { get; }

    [JsonPropertyOrder(-9)]
    public required string Timestamp { get; init; }
}

internal sealed class WelcomeFrame() : ServerFrame("welcome")
{
    public required string StreamId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }

    public required string Message { get; init; }

    public required int ViewerCount { get; init; }

    /// <summary>Present only in answer to <c>hello</c> with <c>since</c>: whether the missed frames follow.</summary>
    public bool? Recovered { get; init; }
}

internal abstract class PresenceFrame(string type) : ServerFrame(type)
{
    public required string StreamId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }
}

internal sealed class UserJoinedFrame() : PresenceFrame("user_joined");

internal sealed class UserLeftFrame() : PresenceFrame("user_left");

internal sealed class MessageFrame() : ServerFrame("message")
{
    public static MessageFrame From(StreamChat.Core.Messages.ChatMessage message) => new()
    {
        Timestamp = ProtocolTime.Format(message.SentAt),
        MessageId = message.MessageId,
        StreamId = message.StreamId,
        UserId = message.UserId,
        Username = message.Username,
        Message = message.Text,
        ReplyTo = message.ReplyTo is { } parent ? new ReplyToFrame { MessageId = parent.MessageId, UserId = parent.UserId, Username = parent.Username, Quote = parent.Quote } : null,
        Reactions = message.Reactions is { Count: > 0 } counts ? counts : null,
    };

    public required string MessageId { get; init; }

    public required string StreamId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }

    public required string Message { get; init; }

    public ReplyToFrame? ReplyTo { get; init; }

    /// <summary>Reaction counts by emoji, in <c>history</c> and recovery; live messages have none yet.</summary>
    public IReadOnlyDictionary<string, int>? Reactions { get; init; }
}

internal sealed class ReplyToFrame
{
    public required string MessageId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }

    public required string Quote { get; init; }
}

internal sealed class MessageBlockedFrame() : ServerFrame("message_blocked")
{
    public required string Reason { get; init; }

    public required string Message { get; init; }

    /// <summary>Whole seconds until the sender may try again (muted, slow mode, rate limited); absent otherwise.</summary>
    public int? RetryAfter { get; init; }
}

internal sealed class MessageRedactedFrame() : ServerFrame("message_redacted")
{
    public required string MessageId { get; init; }

    public required string Reason { get; init; }

    public required string Message { get; init; }
}

internal sealed class ErrorFrame() : ServerFrame("error")
{
    public required string Code { get; init; }

    public required string Message { get; init; }

    /// <summary>Whole seconds until the request may be repeated (<c>rate_limited</c>); absent otherwise.</summary>
    public int? RetryAfter { get; init; }
}

internal sealed class PongFrame() : ServerFrame("pong");

internal sealed class HistoryFrame() : ServerFrame("history")
{
    public required string StreamId { get; init; }

    public required IReadOnlyList<MessageFrame> Messages { get; init; }

    /// <summary>Present only for <c>history</c> with <c>since</c>: false when the gap could not be replayed.</summary>
    public bool? Recovered { get; init; }

    /// <summary>Present only for <c>history</c> with <c>since</c>: the messages up to <c>since</c> deleted after it, in deletion order.</summary>
    public IReadOnlyList<string>? DeletedMessageIds { get; init; }
}

// Moderation events (PROTOCOL "Moderator tools"). Each names the stream and, where one user is meant, the user.

internal abstract class StreamEventFrame(string type) : ServerFrame(type)
{
    public required string StreamId { get; init; }
}

internal abstract class UserEventFrame(string type) : StreamEventFrame(type)
{
    public required string UserId { get; init; }
}

internal sealed class UserBannedFrame() : UserEventFrame("user_banned")
{
    public string? Reason { get; init; }
}

internal sealed class UserTimedOutFrame() : UserEventFrame("user_timed_out")
{
    public required int Seconds { get; init; }

    public string? Reason { get; init; }
}

internal sealed class UserUnbannedFrame() : UserEventFrame("user_unbanned")
{
    /// <summary><c>ban</c> or <c>timeout</c>: which sanction was lifted.</summary>
    public required string Sanction { get; init; }
}

internal sealed class UserShadowBannedFrame() : UserEventFrame("user_shadow_banned");

internal sealed class UserUnshadowBannedFrame() : UserEventFrame("user_unshadow_banned");

internal sealed class MessagesDeletedFrame() : UserEventFrame("messages_deleted")
{
    public required IReadOnlyList<string> MessageIds { get; init; }
}

internal sealed class MessageDeletedFrame() : StreamEventFrame("message_deleted")
{
    public required string MessageId { get; init; }
}

internal sealed class ChatClearedFrame() : StreamEventFrame("chat_cleared");

internal sealed class SlowModeFrame() : StreamEventFrame("slow_mode")
{
    public required bool Enabled { get; init; }

    /// <summary>The least time between one viewer's messages; 0 when off.</summary>
    public required int Seconds { get; init; }
}

internal sealed class CommandResultFrame() : ServerFrame("command_result")
{
    public required string Command { get; init; }

    public required string Message { get; init; }
}

// Chat experience (PROTOCOL "Recovery, replies, reactions, whispers, presence").

internal sealed class ReactionsFrame() : StreamEventFrame("reactions")
{
    public required IReadOnlyList<ReactionCountsFrame> Reactions { get; init; }
}

internal sealed class ReactionCountsFrame
{
    public required string MessageId { get; init; }

    public required IReadOnlyDictionary<string, int> Counts { get; init; }
}

internal sealed class WhisperFrame() : ServerFrame("whisper")
{
    public required string MessageId { get; init; }

    public required string StreamId { get; init; }

    public required string FromUserId { get; init; }

    public required string FromUsername { get; init; }

    public required string ToUserId { get; init; }

    public required string Message { get; init; }
}

internal sealed class ViewerCountFrame() : StreamEventFrame("viewer_count")
{
    public required int ViewerCount { get; init; }
}
