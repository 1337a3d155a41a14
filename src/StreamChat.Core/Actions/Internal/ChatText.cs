using StreamChat.Core.Messages;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary>Rules that several actions share: message text, ids, quotes and who may see a hidden message.</summary>
internal static class ChatText
{
    /// <summary>The cleaned (<see cref="TextHygiene"/>) and trimmed text of a frame's <c>message</c>, or the error a client gets for it.</summary>
    public static string Validate(in ClientFrame frame, StreamChatOptions options)
    {
        if (frame.Message is null)
        {
            throw new ChatException(ChatErrorCode.MissingField, frame.MessageHasWrongType ? "The \"message\" field must be a string." : "The \"message\" field is required.");
        }

        var clean = TextHygiene.Clean(frame.Message, options.Text)
            ?? throw new ChatException(ChatErrorCode.InvalidText, "Messages may not hold control characters or bidirectional formatting (U+202A–U+202E, U+2066–U+2069).");
        var text = clean.Trim();
        var maxLength = options.MaxMessageLength;
        if (text.Length == 0)
        {
            throw new ChatException(ChatErrorCode.EmptyMessage, "The message is empty.");
        }

        if (CountCharacters(text) > maxLength)
        {
            throw new ChatException(ChatErrorCode.MessageTooLong, $"Messages may be at most {maxLength} characters.");
        }

        return text;
    }

    /// <summary>A string field the action needs; absent or of the wrong type is <c>missing_field</c>.</summary>
    public static string Required(string? value, in ClientFrame frame, FrameFields field, string name)
    {
        if (frame.HasWrongType(field))
        {
            throw new ChatException(ChatErrorCode.MissingField, $"The \"{name}\" field must be a string.");
        }

        if (string.IsNullOrEmpty(value))
        {
            throw new ChatException(ChatErrorCode.MissingField, $"The \"{name}\" field is required.");
        }

        return value;
    }

    /// <summary>An optional string field; present with the wrong type is <c>missing_field</c>.</summary>
    public static string? Optional(string? value, in ClientFrame frame, FrameFields field, string name) =>
        frame.HasWrongType(field) ? throw new ChatException(ChatErrorCode.MissingField, $"The \"{name}\" field must be a string.") : value;

    /// <summary>Whether <paramref name="userId"/> may see <paramref name="message"/>: a hidden (shadow-banned) one is its author's alone.</summary>
    public static bool IsVisibleTo(ChatMessage message, string userId) =>
        !message.Hidden || string.Equals(message.UserId, userId, StringComparison.Ordinal);

    /// <summary>The start of a parent's text a reply carries: at most the quote length in characters, then an ellipsis.</summary>
    public static string Quote(string text)
    {
        var count = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (count == StreamChatConstants.ReplyQuoteLength)
            {
                return string.Concat(text.AsSpan(0, end).TrimEnd(), "…");
            }

            count++;
            end += rune.Utf16SequenceLength;
        }

        return text;
    }

    /// <summary>Counts Unicode scalar values, so an emoji counts as one character, as it does for a person.</summary>
    public static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
