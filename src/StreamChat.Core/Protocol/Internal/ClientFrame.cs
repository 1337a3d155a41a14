using System.Text.Json;
using System.Text.Unicode;

namespace StreamChat.Core.Protocol.Internal;

/// <summary>A parsed client frame: the fields the protocol reads, nothing else.</summary>
internal readonly struct ClientFrame
{
    public string? Action { get; init; }

    public string? Message { get; init; }

    /// <summary>True when <c>message</c> was present but not a string.</summary>
    public bool MessageHasWrongType { get; init; }

    public int? Limit { get; init; }

    /// <summary>True when <c>limit</c> was present but not an integer.</summary>
    public bool LimitHasWrongType { get; init; }
}

/// <summary>Parses client frames with <see cref="Utf8JsonReader"/>: no reflection, no DOM.</summary>
internal static class ClientFrameParser
{
    private static ReadOnlySpan<byte> ActionName => "action"u8;

    private static ReadOnlySpan<byte> MessageName => "message"u8;

    private static ReadOnlySpan<byte> LimitName => "limit"u8;

    /// <summary>
    /// Parses <paramref name="utf8"/>. Returns false when it is not one well-formed JSON object.
    /// Unknown properties (including <c>userId</c>, <c>username</c>, <c>streamId</c>) are skipped:
    /// identity comes from the connection, never from the body.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out ClientFrame frame)
    {
        frame = default;
        string? action = null;
        string? message = null;
        var messageWrongType = false;
        int? limit = null;
        var limitWrongType = false;
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
                var isAction = reader.ValueTextEquals(ActionName);
                var isMessage = !isAction && reader.ValueTextEquals(MessageName);
                var isLimit = !isAction && !isMessage && reader.ValueTextEquals(LimitName);
                reader.Read();

                if (isAction)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        action = reader.GetString();
                        actionWrongType = false;
                    }
                    else
                    {
                        actionWrongType = true;
                        reader.Skip();
                    }
                }
                else if (isMessage)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        message = reader.GetString();
                        messageWrongType = false;
                    }
                    else
                    {
                        message = null;
                        messageWrongType = true;
                        reader.Skip();
                    }
                }
                else if (isLimit)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
                    {
                        limit = value;
                        limitWrongType = false;
                    }
                    else
                    {
                        limit = null;
                        limitWrongType = true;
                        reader.Skip();
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
            MessageHasWrongType = messageWrongType,
            Limit = limit,
            LimitHasWrongType = limitWrongType,
        };
        return true;
    }
}
