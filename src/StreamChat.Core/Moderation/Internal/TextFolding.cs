using System.Globalization;
using System.Text;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Undoes what chat users do to dodge filters, so rules compare like with like: compatibility forms
/// (full-width, mathematical, circled letters) become plain letters, accents and other combining marks
/// (zalgo included) and zero-width characters go, look-alike Cyrillic and Greek letters become Latin,
/// and everything is lower case. Leetspeak is mapped per token by <see cref="MapLeet"/>.
/// </summary>
internal static class TextFolding
{
    /// <summary>Folds <paramref name="text"/>. ASCII text is only lower-cased.</summary>
    public static string Fold(string text)
    {
        if (System.Text.Ascii.IsValid(text))
        {
            return text.ToLowerInvariant();
        }

        var decomposed = StreamChat.Core.Internal.WellFormedText.ForNormalization(text).Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.EnclosingMark:
                case UnicodeCategory.Format: // zero-width space, joiners, soft hyphen
                    continue;
                default:
                    builder.Append(char.ToLowerInvariant(Latin(c)));
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Maps a letter that looks like a plain Latin one (Cyrillic, Greek, small capitals, hooked or barred Latin) to it.</summary>
    public static char Latin(char c) => c switch
    {
        'ᴀ' or 'ɑ' => 'a',
        'ʙ' => 'b',
        'ᴄ' => 'c',
        'ᴅ' or 'đ' => 'd',
        'ᴇ' => 'e',
        'ƒ' or 'ꜰ' => 'f',
        'ɢ' => 'g',
        'ʜ' or 'ħ' => 'h',
        'ɪ' => 'i',
        'ᴊ' => 'j',
        'ᴋ' => 'k',
        'ʟ' or 'ł' => 'l',
        'ᴍ' => 'm',
        'ɴ' => 'n',
        'ᴏ' or 'ø' => 'o',
        'ᴘ' => 'p',
        'ʀ' => 'r',
        'ꜱ' => 's',
        'ᴛ' or 'ŧ' => 't',
        'ᴜ' => 'u',
        'ᴠ' => 'v',
        'ᴡ' => 'w',
        'ʏ' => 'y',
        'ᴢ' => 'z',
        'а' or 'А' or 'α' or 'Α' => 'a',
        'в' or 'В' or 'β' or 'Β' => 'b',
        'с' or 'С' or 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' or 'Е' or 'ε' or 'Ε' or 'є' => 'e',
        'ɡ' => 'g',
        'н' or 'Н' or 'Η' or 'һ' => 'h',
        'і' or 'І' or 'ι' or 'Ι' or 'ı' or 'ӏ' => 'i',
        'ј' or 'Ј' => 'j',
        'к' or 'К' or 'κ' or 'Κ' => 'k',
        'м' or 'М' or 'Μ' => 'm',
        'η' or 'Ν' or 'п' => 'n',
        'о' or 'О' or 'ο' or 'Ο' or 'σ' => 'o',
        'р' or 'Р' or 'ρ' or 'Ρ' => 'p',
        'ѕ' or 'Ѕ' => 's',
        'т' or 'Т' or 'τ' or 'Τ' => 't',
        'υ' or 'μ' => 'u',
        'ν' or 'ѵ' => 'v',
        'ш' or 'ω' => 'w',
        'х' or 'Х' or 'χ' or 'Χ' => 'x',
        'у' or 'У' or 'Υ' or 'ү' => 'y',
        'Ζ' => 'z',
        _ => c,
    };

    /// <summary>True for the symbols chat users put in place of letters.</summary>
    public static bool IsLeetSymbol(char c) => c is '@' or '$' or '!' or '¡' or '¿' or '|' or '+' or '*' or '#' or '€' or '£' or '¢';

    /// <summary>Gets the letters of upside-down text that no upright word uses ("ʇıɥs" is "shit" turned over).</summary>
    public static System.Buffers.SearchValues<char> UpsideDownMarks { get; } = System.Buffers.SearchValues.Create("ɐɔǝɟƃɥɾʞɯɹʇʌʍʎ");

    /// <summary>Turns one character of upside-down text upright; ASCII letters that are other letters turned (n, u, p, d, q, b) are swapped.</summary>
    public static char TurnUpright(char c) => c switch
    {
        'ɐ' => 'a',
        'ɔ' => 'c',
        'ǝ' => 'e',
        'ɟ' => 'f',
        'ƃ' => 'g',
        'ɥ' => 'h',
        'ı' => 'i',
        'ɾ' => 'j',
        'ʞ' => 'k',
        'ɯ' => 'm',
        'ɹ' => 'r',
        'ʇ' => 't',
        'ʌ' => 'v',
        'ʍ' => 'w',
        'ʎ' => 'y',
        'n' => 'u',
        'u' => 'n',
        'p' => 'd',
        'd' => 'p',
        'q' => 'b',
        'b' => 'q',
        _ => c,
    };

    /// <summary>Maps a leetspeak character to the letter it stands for; <paramref name="oneAsL"/> reads 1 and | as l instead of i.</summary>
    public static char MapLeet(char c, bool oneAsL = false) => c switch
    {
        '0' => 'o',
        '1' or '|' => oneAsL ? 'l' : 'i',
        '!' or '¡' or '¿' => 'i',
        '¢' => 'c',
        '3' or '€' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' or '+' => 't',
        '8' => 'b',
        '9' => 'g',
        '£' => 'l',
        '#' => '*', // a masked letter, like '*'
        _ => c,
    };
}
