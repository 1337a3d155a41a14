using System.Text;

namespace StreamChat.Core.Protocol.Internal;

/// <summary>
/// Cleans message text before moderation sees it and anyone receives it: whitespace controls become one space,
/// other controls and bidirectional formatting are removed (or the text refused), runs of more than 30 combining marks
/// are broken with U+034F (the Stream-Safe Text Format of UAX #15), and the result is NFC.
/// Ordinary text (no control, no bidirectional formatting, already NFC) comes back as the same instance.
/// </summary>
internal static class TextHygiene
{
    /// <summary>Returns the clean text, or <see langword="null"/> when it must be refused under <see cref="ControlCharacterHandling.Refuse"/>.</summary>
    public static string? Clean(string text, TextOptions options)
    {
        if (StreamChat.Core.Internal.WellFormedText.IndexOfLoneSurrogate(text) >= 0)
        {
            // Half of a surrogate pair is no character at all (the wire parser refuses it; a caller may not).
            if (options.ControlCharacters == ControlCharacterHandling.Refuse)
            {
                return null;
            }

            text = StreamChat.Core.Internal.WellFormedText.Scrub(text, string.Empty);
        }

        var firstUnsafe = IndexOfUnsafe(text);
        if (firstUnsafe >= 0)
        {
            if (options.ControlCharacters == ControlCharacterHandling.Refuse && HasForbidden(text.AsSpan(firstUnsafe)))
            {
                return null;
            }

            text = Strip(text, firstUnsafe);
        }

        if (IsAscii(text))
        {
            return text;
        }

        // Runs of marks are bounded first (UAX #15 Stream-Safe Text Format) so normalizing stays linear in the length,
        // and again after, since NFC may expand a mark into two (U+0344).
        text = StreamChat.Core.Internal.WellFormedText.StreamSafe(text);
        return options.NormalizeToNfc && !text.IsNormalized(NormalizationForm.FormC)
            ? StreamChat.Core.Internal.WellFormedText.StreamSafe(text.Normalize(NormalizationForm.FormC))
            : text;
    }

    /// <summary>Whitespace controls: one space each run, never refused.</summary>
    internal static bool IsWhitespaceControl(char c) => c is '\t' or '\n' or '\v' or '\f' or '\r' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>C0 and C1 controls, DEL, and bidirectional embeddings, overrides and isolates.</summary>
    internal static bool IsUnsafe(char c) => c < '\u0020' || (c >= '\u007F' && c <= '\u009F') || c is >= '\u202A' and <= '\u202E' || c is >= '\u2028' and <= '\u2029' || c is >= '\u2066' and <= '\u2069';

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool HasForbidden(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsUnsafe(c) && !IsWhitespaceControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Strip(string text, int start)
    {
        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, start);
        var lastWasSpace = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (IsWhitespaceControl(c))
            {
                // CR LF (or any run of line breaks and tabs) becomes one space: a chat line is one line.
                if (!lastWasSpace)
                {
                    builder.Append(' ');
                    lastWasSpace = true;
                }

                continue;
            }

            if (IsUnsafe(c))
            {
                continue;
            }

            builder.Append(c);
            lastWasSpace = false;
        }

        return builder.ToString();
    }

    private static bool IsAscii(string text) => Ascii.IsValid(text);
}
