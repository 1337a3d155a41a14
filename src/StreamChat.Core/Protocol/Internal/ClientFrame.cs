using System.Text.Json;
using System.Text.Unicode;

namespace StreamChat.Core.Protocol.Internal;

/// <summary>The string fields of a client frame besides <c>action</c>; a flag each, for "present with the wrong type".</summary>
[Flags]
internal enum FrameFields
{
    None = 0,
    Message = 1,
    Limit = 2,
    Since = 4,
    ReplyTo = 8,
    MessageId = 16,
    Emoji = 32,
    ToUserId = 64,
    Seq = 128,
}

/// <summary>A parsed client frame: the fields the protocol reads, nothing else.</summary>
internal readonly struct ClientFrame
{
    public string? Action { get; init; }

    public string? Message { get; init; }

    public int? Limit { get; init; }

    /// <summary>The last message id a reconnecting client saw (<c>hello</c>, <c>history</c>).</summary>
    public string? Since { get; init; }

    /// <summary>The message a <c>message</c> replies to.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>The message a <c>react</c> or <c>unreact</c> names.</summary>
    public string? MessageId { get; init; }

    public string? Emoji { get; init; }

    /// <summary>The recipient of a <c>whisper</c>.</summary>
    public string? ToUserId { get; init; }

    /// <summary>The client's number for this frame on its connection (1, 2, 3, …), which keeps its frames in order where a host may handle them concurrently.</summary>
    public long? Seq { get; init; }

    /// <summary>The fields that were present with the wrong type (and so read as absent).</summary>
    public FrameFields WrongTypes { get; init; }

    /// <summary>True when <c>message</c> was present but not a string.</summary>
    public bool MessageHasWrongType => (WrongTypes & FrameFields.Message) != 0;

    /// <summary>True when <c>limit</c> was present but not an integer.</summary>
    public bool LimitHasWrongType => (WrongTypes & FrameFields.Limit) != 0;

    public bool HasWrongType(FrameFields field) => (WrongTypes & field) != 0;
}

/// <summary>Parses client frames with <see cref="Utf8JsonReader"/>: no reflection, no DOM.</summary>
internal static class ClientFrameParser
{
    /// <summary>
    /// Parses <paramref name="utf8"/>. Returns false when it is not one well-formed JSON object.
    /// Unknown properties (including <c>userId</c>, <c>username</c>, <c>streamId</c>) are skipped:
    /// identity comes from the connection, never from the body.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out ClientFrame frame)
    {
        frame = default;
        string? action = null, message = null, since = null, replyTo = null, messageId = null, emoji = null, toUserId = null;
        int? limit = null;
        long? seq = null;
        var wrong = FrameFields.None;
        var actionWrongType = false;

        // The reader only checks UTF-8 in the strings it decodes; the protocol wants the whole frame valid.
        if (!Utf8.IsValid(utf8))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                // The reader guarantees a property name here.
                var field = Field(ref reader, out var isAction);
                reader.Read();

                if (isAction)
                {
                    actionWrongType = !TryString(ref reader, out action);
                }
                else if (field == FrameFields.Limit)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
                    {
                        limit = value;
                        wrong &= ~FrameFields.Limit;
                    }
                    else
                    {
                        limit = null;
                        wrong |= FrameFields.Limit;
                        reader.Skip();
                    }
                }
                else if (field == FrameFields.Seq)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) && number > 0)
                    {
                        seq = number;
                        wrong &= ~FrameFields.Seq;
                    }
                    else
                    {
                        seq = null;
                        wrong |= FrameFields.Seq;
                        reader.Skip();
                    }
                }
                else if (field != FrameFields.None)
                {
                    var ok = TryString(ref reader, out var text);
                    wrong = ok ? wrong & ~field : wrong | field;
                    switch (field)
                    {
                        case FrameFields.Message: message = text; break;
                        case FrameFields.Since: since = text; break;
                        case FrameFields.ReplyTo: replyTo = text; break;
                        case FrameFields.MessageId: messageId = text; break;
                        case FrameFields.Emoji: emoji = text; break;
                        default: toUserId = text; break;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            // Anything after the object (a second value, garbage) makes the frame invalid.
            if (reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // Thrown by GetString for invalid UTF-8 inside a string token.
            return false;
        }

        frame = new ClientFrame
        {
            Action = actionWrongType ? null : action,
            Message = message,
            Limit = limit,
            Seq = seq,
            Since = since,
            ReplyTo = replyTo,
            MessageId = messageId,
            Emoji = emoji,
            ToUserId = toUserId,
            WrongTypes = wrong,
        };
        return true;
    }

    private static FrameFields Field(ref Utf8JsonReader reader, out bool isAction)
    {
        isAction = reader.ValueTextEquals("action"u8);
        if (isAction)
        {
            return FrameFields.None;
        }

        return reader.ValueTextEquals("message"u8) ? FrameFields.Message
            : reader.ValueTextEquals("limit"u8) ? FrameFields.Limit
            : reader.ValueTextEquals("since"u8) ? FrameFields.Since
            : reader.ValueTextEquals("replyTo"u8) ? FrameFields.ReplyTo
            : reader.ValueTextEquals("messageId"u8) ? FrameFields.MessageId
            : reader.ValueTextEquals("emoji"u8) ? FrameFields.Emoji
            : reader.ValueTextEquals("toUserId"u8) ? FrameFields.ToUserId
            : reader.ValueTextEquals("seq"u8) ? FrameFields.Seq
            : FrameFields.None;
    }

    /// <summary>Reads a string value; any other token is skipped and reported as the wrong type.</summary>
    private static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString();
            return true;
        }

        value = null;
        reader.Skip();
        return false;
    }
}
