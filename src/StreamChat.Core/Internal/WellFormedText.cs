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

    /// <summary>
    /// The most combining marks in a row that <see cref="StreamSafe"/> lets stand before it inserts a combining grapheme
    /// joiner (UAX #15 section 13, the Stream-Safe Text Format; no real text needs more).
    /// </summary>
    public const int MaxMarksInARow = 30;

    /// <summary>
    /// Returns <paramref name="text"/> itself when no run of combining marks is longer than <see cref="MaxMarksInARow"/>,
    /// else a copy with U+034F COMBINING GRAPHEME JOINER after every <see cref="MaxMarksInARow"/> marks of a run.
    /// Normalization sorts each run of marks by combining class with an insertion sort, so an unbounded run of marks of
    /// mixed classes costs time quadratic in its length; a bounded run keeps normalization linear. The joiner is
    /// invisible and blocks reordering, so the text reads the same.
    /// </summary>
    public static string StreamSafe(string text)
    {
        if (FirstOverlongRun(text) < 0)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + (text.Length / MaxMarksInARow) + 1);
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (IsMark(text, i))
            {
                if (run == MaxMarksInARow)
                {
                    builder.Append(GraphemeJoiner);
                    run = 0;
                }

                run++;
            }
            else
            {
                run = 0;
            }

            builder.Append(text, i, width);
            i += width - 1;
        }

        return builder.ToString();
    }

    /// <summary>Lone surrogates replaced by U+FFFD and runs of marks bounded (<see cref="StreamSafe"/>): safe to normalize in linear time.</summary>
    public static string ForNormalization(string text) => StreamSafe(Scrub(text));

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
    private const char GraphemeJoiner = '\u034F';

    private static int FirstOverlongRun(string text)
    {
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] < '\u0300')
            {
                run = 0;
                continue;
            }

            run = IsMark(text, i) ? run + 1 : 0;
            if (run > MaxMarksInARow)
            {
                return i;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
        }

        return -1;
    }

    private static bool IsMark(string text, int index)
    {
        var c = text[index];
        if (c < '\u0300' || c == GraphemeJoiner)
        {
            return false;
        }

        var category = char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1])
            ? System.Globalization.CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[index + 1]))
            : System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c);
        return category is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark
            or System.Globalization.UnicodeCategory.EnclosingMark;
    }
}
