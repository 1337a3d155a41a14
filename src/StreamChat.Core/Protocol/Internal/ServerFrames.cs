using System.Text.Json.Serialization;

namespace StreamChat.Core.Protocol.Internal;

// Server-to-client frames of PROTOCOL version 1. Each is serialized once with the
// source-generated ChatJsonContext and the same bytes go to every recipient.

internal abstract class ServerFrame
{
    [JsonPropertyOrder(-10)]
    public abstract string Type { get; }

    [JsonPropertyOrder(-9)]
    public required string Timestamp { get; init; }
}

internal sealed class WelcomeFrame : ServerFrame
{
    public override string Type => "welcome";

    public required string StreamId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }

    public required string Message { get; init; }

    public required int ViewerCount { get; init; }
}

internal sealed class UserJoinedFrame : ServerFrame
{
    public override string Type => "user_joined";

    public required string StreamId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }
}

internal sealed class UserLeftFrame : ServerFrame
{
    public override string Type => "user_left";

    public required string StreamId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }
}

internal sealed class MessageFrame : ServerFrame
{
    public override string Type => "message";

    public required string MessageId { get; init; }

    public required string StreamId { get; init; }

    public required string UserId { get; init; }

    public required string Username { get; init; }

    public required string Message { get; init; }
}

internal sealed class MessageBlockedFrame : ServerFrame
{
    public override string Type => "message_blocked";

    public required string Reason { get; init; }

    public required string Message { get; init; }
}

internal sealed class ErrorFrame : ServerFrame
{
    public override string Type => "error";

    public required string Code { get; init; }

    public required string Message { get; init; }
}

internal sealed class PongFrame : ServerFrame
{
    public override string Type => "pong";
}

internal sealed class HistoryFrame : ServerFrame
{
    public override string Type => "history";

    public required string StreamId { get; init; }

    public required IReadOnlyList<MessageFrame> Messages { get; init; }
}
