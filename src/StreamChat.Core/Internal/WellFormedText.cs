namespace StreamChat.Core.Internal;

/// <summary>
/// Strings from outside can hold a lone surrogate (an unpaired half of a UTF-16 pair), which no person can read and
/// which <see cref="string.Normalize()"/> refuses with an exception. The wire parser never lets one through (System.Text.Json
/// refuses them), but a rule that normalizes must not throw on any string, so each one scrubs first.
/// </summary>
internal static class WellFormedText
{
    /// <summary>Returns <paramref name="text"/> itself when well formed, else a copy with each lone surrogate replaced by <paramref name="replacement"/>.</summary>
    public static string Scrub(string text, string replacement)
    {
        if (IndexOfLoneSurrogate(text) < 0)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[i + 1]);
                i++;
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? replacement : c.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>Returns <paramref name="text"/> itself when well formed, else a copy with each lone surrogate replaced by U+FFFD.</summary>
    public static string Scrub(string text) => Scrub(text, "\uFFFD");

    /// <summary>The index of the first lone surrogate, or -1.</summary>
    public static int IndexOfLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }
}
