namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// A stretch of text holding one number written in groups: digits split by at most three of <c>space - . ( ) / _</c>
/// between groups ("4111.1111.1111.1111", "(415) 555-2671", "6 4 6 - 5 5 5 - 0 1 4 2", "6_1_7_5_5_5"). Card numbers,
/// social security numbers and phone numbers are each one run, so the rules for them share one scan of the text.
/// </summary>
internal sealed class DigitRun
{
    private readonly List<int> _groupEnds = [];   // cumulative digit count at the end of each group
    private readonly List<int> _groupTextEnds = []; // text index just after each group's last digit

    private DigitRun(int start)
    {
        Start = start;
    }

    /// <summary>Gets the index of the run's first character (its first digit, or an opening bracket before it).</summary>
    public int Start { get; }

    /// <summary>Gets the index just after the run's last digit (or a closing bracket after it).</summary>
    public int End { get; private set; }

    /// <summary>Gets the run's digits with the separators taken out.</summary>
    public string Digits { get; private set; } = string.Empty;

    /// <summary>Gets how many digit groups the run has.</summary>
    public int GroupCount => _groupEnds.Count;

    /// <summary>Gets a value indicating whether a slash splits two groups (dates and fractions are written so, phone numbers rarely).</summary>
    public bool HasSlash { get; private set; }

    /// <summary>
    /// Gets a value indicating whether a letter touches the run ("v1234567", "AT61..."). Letters of scripts written without
    /// spaces between words (Chinese, Japanese, Thai, ...) and Korean, whose particles join the word before them, do not
    /// count: "電話は090-1234-5678です" is a number in a sentence, not part of a code.
    /// </summary>
    public bool TouchesLetter { get; private set; }

    /// <summary>Gets a value indicating whether a group is signed ("1250 64 -3300": a minus after a space, a digit right after it), as coordinates and scores are, phone numbers never.</summary>
    public bool HasMinusSign { get; private set; }

    /// <summary>Gets the digit count of group <paramref name="index"/>.</summary>
    public int GroupLength(int index) => _groupEnds[index] - (index == 0 ? 0 : _groupEnds[index - 1]);

    /// <summary>Gets how many digits the first <paramref name="groups"/> groups hold.</summary>
    public int DigitsInGroups(int groups) => _groupEnds[groups - 1];

    /// <summary>Gets the text index just after the last digit of the first <paramref name="groups"/> groups.</summary>
    public int TextEndOfGroups(int groups) => _groupTextEnds[groups - 1];

    /// <summary>
    /// Gets a value indicating whether the groups count up or down by one ("1 2 3 4 5 6 7 8 9 10", "10 9 8 7 6 5"): a
    /// countdown or a count in chat, not a number someone gives out.
    /// </summary>
    public bool IsCounting
    {
        get
        {
            if (GroupCount < 4)
            {
                return false;
            }

            var position = 0;
            var previous = -1;
            var step = 0;
            for (var i = 0; i < GroupCount; i++)
            {
                var length = GroupLength(i);
                if (length > 3)
                {
                    return false;
                }

                var value = int.Parse(Digits.AsSpan(position, length), System.Globalization.CultureInfo.InvariantCulture);
                position += length;
                if (i > 0)
                {
                    var difference = value - previous;
                    if (difference is not (1 or -1) || (step != 0 && difference != step))
                    {
                        return false;
                    }

                    step = difference;
                }

                previous = value;
            }

            return true;
        }
    }

    /// <summary>Every run of <paramref name="text"/> with at least <paramref name="minDigits"/> digits, in text order; <see langword="null"/> when none.</summary>
    public static List<DigitRun>? FindAll(string text, int minDigits)
    {
        List<DigitRun>? runs = null;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }

            // Most runs are short ("3", "2026"): counted first, they are built only when long enough to keep.
            var start = i;
            if (CountDigits(text, ref i) < minDigits)
            {
                continue;
            }

            i = start;
            runs ??= [];
            runs.Add(Scan(text, ref i));
        }

        return runs;
    }

    /// <summary>Counts the digits of the run starting at <paramref name="i"/> the way <see cref="Scan"/> reads it, leaving <paramref name="i"/> at its end.</summary>
    private static int CountDigits(string text, ref int i)
    {
        var count = 0;
        while (true)
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                count++;
                i++;
            }

            var j = i;
            while (j < text.Length && j - i < 3 && IsSeparator(text[j]))
            {
                j++;
            }

            if (j > i && j < text.Length && char.IsAsciiDigit(text[j]))
            {
                i = j;
                continue;
            }

            return count;
        }
    }

    /// <summary>A letter of a script that separates words with spaces (Korean aside: its particles join the number before them).</summary>
    private static bool IsWordLetter(char c) => char.IsLetter(c) && !IsUnspacedScriptOrHangul(c);

    private static bool IsUnspacedScriptOrHangul(char c) => c switch
    {
        >= '\u0E00' and <= '\u0EFF' => true,  // Thai, Lao
        >= '\u1000' and <= '\u109F' => true,  // Myanmar
        >= '\u1780' and <= '\u17FF' => true,  // Khmer
        >= '\u1100' and <= '\u11FF' => true,  // Hangul Jamo
        >= '\u3040' and <= '\u30FF' => true,  // Hiragana, Katakana
        >= '\u3130' and <= '\u318F' => true,  // Hangul compatibility Jamo
        >= '\u31F0' and <= '\u31FF' => true,  // Katakana phonetic extensions
        >= '\u3400' and <= '\u4DBF' => true,  // CJK extension A
        >= '\u4E00' and <= '\u9FFF' => true,  // CJK unified ideographs
        >= '\uAC00' and <= '\uD7AF' => true,  // Hangul syllables
        >= '\uF900' and <= '\uFAFF' => true,  // CJK compatibility ideographs
        >= '\uFF66' and <= '\uFFDC' => true,  // half-width Katakana and Hangul
        _ => false,
    };

    private static bool IsSeparator(char c) => c is ' ' or '-' or '.' or '(' or ')' or '/' or '_';

    private static DigitRun Scan(string text, ref int i)
    {
        var start = i > 0 && text[i - 1] == '(' ? i - 1 : i;
        var run = new DigitRun(start) { TouchesLetter = start > 0 && IsWordLetter(text[start - 1]) };
        var digits = new System.Text.StringBuilder();
        while (true)
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                digits.Append(text[i++]);
            }

            run._groupEnds.Add(digits.Length);
            run._groupTextEnds.Add(i);
            run.End = i;

            // Up to three separator characters, then a digit, continue the run.
            var j = i;
            var slash = false;
            while (j < text.Length && j - i < 3 && IsSeparator(text[j]))
            {
                slash |= text[j] == '/';
                j++;
            }

            if (j > i && j < text.Length && char.IsAsciiDigit(text[j]))
            {
                run.HasSlash |= slash;
                run.HasMinusSign |= text[j - 1] == '-' && j - 2 >= i && text[j - 2] == ' ';
                i = j;
                continue;
            }

            if (i < text.Length && text[i] == ')' && start < run._groupTextEnds[0] && text[start] == '(')
            {
                run.End = i + 1;
            }

            run.TouchesLetter |= i < text.Length && IsWordLetter(text[i]);
            break;
        }

        run.Digits = digits.ToString();
        return run;
    }
}
