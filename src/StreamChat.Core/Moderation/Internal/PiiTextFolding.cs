using System.Text;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Undoes the two ways people write personal data so that no pattern sees it: numbers spelled as words ("four one
/// five five five five ...") and text spaced letter by letter ("j o h n @ g m a i l . c o m"). Both leave ordinary
/// chat alone: a fold needs a long run (five digit words in a row, six single characters in a row), and returns
/// <see langword="null"/> when there is none, allocating nothing.
/// </summary>
internal static class PiiTextFolding
{
    private const int MinSpelledDigits = 5;
    private const int MinSpacedCharacters = 6;

    private static readonly string[] DigitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>The text with every run of at least five digit words ("zero" to "nine", "oh") replaced by its digits.</summary>
    public static string? FoldSpelledDigits(string text)
    {
        StringBuilder? folded = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var runStart = i;
            var count = 0;
            var runEnd = i;
            var j = i;

            // Count digit words in a row, split only by spaces, dashes, commas or dots.
            while (TryReadDigitWord(text, j, out _, out var wordEnd))
            {
                count++;
                runEnd = wordEnd;
                j = wordEnd;
                while (j < text.Length && text[j] is ' ' or '-' or ',' or '.')
                {
                    j++;
                }
            }

            if (count >= MinSpelledDigits)
            {
                folded ??= new StringBuilder(text.Length);
                folded.Append(text, copied, runStart - copied);
                var k = runStart;
                while (k < runEnd)
                {
                    if (TryReadDigitWord(text, k, out var digit, out var wordEnd))
                    {
                        folded.Append((char)('0' + digit));
                        k = wordEnd;
                    }
                    else
                    {
                        folded.Append(text[k] == ',' ? ' ' : text[k]);
                        k++;
                    }
                }

                copied = runEnd;
                i = runEnd;
                continue;
            }

            // Skip to the next word.
            i = count > 0 ? j : i + 1;
            while (i < text.Length && char.IsLetter(text[i]) && i > 0 && char.IsLetter(text[i - 1]))
            {
                i++;
            }
        }

        return folded?.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>
    /// The text with every run of at least six single characters split by single spaces ("j o h n @ g m a i l . c o m")
    /// joined up ("john@gmail.com").
    /// </summary>
    public static string? CollapseSpacedCharacters(string text)
    {
        StringBuilder? collapsed = null;
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            // A single character: not a space, with a space (or the edge) on both sides.
            var j = i;
            var count = 0;
            while (j < text.Length && text[j] != ' ' && (j == 0 || text[j - 1] == ' ') && (j + 1 == text.Length || text[j + 1] == ' '))
            {
                count++;
                j += 2;
            }

            if (count >= MinSpacedCharacters)
            {
                collapsed ??= new StringBuilder(text.Length);
                collapsed.Append(text, copied, i - copied);
                var end = Math.Min(j - 1, text.Length);
                for (var k = i; k < end; k += 2)
                {
                    collapsed.Append(text[k]);
                }

                copied = end;
                i = end;
                continue;
            }

            i++;
        }

        return collapsed?.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool TryReadDigitWord(string text, int start, out int digit, out int end)
    {
        digit = -1;
        end = start;
        if (start >= text.Length || !char.IsAsciiLetter(text[start]) || (start > 0 && char.IsLetter(text[start - 1])))
        {
            return false;
        }

        var wordEnd = start;
        while (wordEnd < text.Length && char.IsLetter(text[wordEnd]))
        {
            wordEnd++;
        }

        var word = text.AsSpan(start, wordEnd - start);
        if (word.Equals("oh", StringComparison.OrdinalIgnoreCase))
        {
            digit = 0;
        }
        else
        {
            for (var d = 0; d < DigitWords.Length; d++)
            {
                if (word.Equals(DigitWords[d], StringComparison.OrdinalIgnoreCase))
                {
                    digit = d;
                    break;
                }
            }
        }

        if (digit < 0)
        {
            return false;
        }

        end = wordEnd;
        return true;
    }
}
