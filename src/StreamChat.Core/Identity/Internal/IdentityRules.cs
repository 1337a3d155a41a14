using System.Text;
using System.Text.RegularExpressions;

namespace StreamChat.Core.Identity.Internal;

/// <summary>The protocol's rules for stream ids, user ids and display names.</summary>
internal static partial class IdentityRules
{
    /// <summary>Returns why the request's identity is refused, or <see langword="null"/> when it is acceptable.</summary>
    public static string? Check(StreamChat.Core.Pipeline.ConnectRequest request)
    {
        if (string.IsNullOrEmpty(request.StreamId))
        {
            return "The streamId query parameter is required.";
        }

        if (!IdPattern().IsMatch(request.StreamId))
        {
            return "streamId must be 1 to 128 letters, digits, '-', '_', '.' or ':'.";
        }

        if (string.IsNullOrEmpty(request.UserId))
        {
            return "A user id is required.";
        }

        if (!IdPattern().IsMatch(request.UserId))
        {
            return "userId must be 1 to 128 letters, digits, '-', '_', '.' or ':'.";
        }

        if (string.IsNullOrEmpty(request.Username))
        {
            return "A username is required.";
        }

        if (!IsValidUsername(request.Username))
        {
            return "username must be 1 to 64 printable characters, at least one of them a visible letter or digit, with at most 4 combining marks on any one.";
        }

        return null;
    }

    internal static bool IsValidId(string id) => IdPattern().IsMatch(id);

    internal static bool IsValidUsername(string username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return false;
        }

        var count = 0;
        var visible = false;
        var marks = 0;
        foreach (var rune in username.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.EnclosingMark)
            {
                // Zalgo: marks stacked on one character draw over the lines around the name.
                if (++marks > MaxCombiningMarks)
                {
                    return false;
                }
            }
            else
            {
                marks = 0;
                visible |= IsVisibleLetterOrDigit(rune, category);
            }

            if (category is System.Globalization.UnicodeCategory.Control
                or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator
                or System.Globalization.UnicodeCategory.ParagraphSeparator
                or System.Globalization.UnicodeCategory.Surrogate
                or System.Globalization.UnicodeCategory.PrivateUse
                or System.Globalization.UnicodeCategory.OtherNotAssigned)
            {
                return false;
            }

            if (++count > 64)
            {
                return false;
            }
        }

        return visible;
    }

    /// <summary>The most combining marks one character of a name may carry (real scripts need two or three).</summary>
    internal const int MaxCombiningMarks = 4;

    /// <summary>A letter or digit a person sees: not the Hangul fillers, which are letters that draw nothing.</summary>
    private static bool IsVisibleLetterOrDigit(Rune rune, System.Globalization.UnicodeCategory category) =>
        category is System.Globalization.UnicodeCategory.UppercaseLetter
            or System.Globalization.UnicodeCategory.LowercaseLetter
            or System.Globalization.UnicodeCategory.TitlecaseLetter
            or System.Globalization.UnicodeCategory.ModifierLetter
            or System.Globalization.UnicodeCategory.OtherLetter
            or System.Globalization.UnicodeCategory.DecimalDigitNumber
            or System.Globalization.UnicodeCategory.LetterNumber
            or System.Globalization.UnicodeCategory.OtherNumber
        && rune.Value is not (0x115F or 0x1160 or 0x3164 or 0xFFA0);

    [GeneratedRegex(@"^[A-Za-z0-9\-_.:]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
