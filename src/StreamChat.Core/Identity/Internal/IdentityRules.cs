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
            return "username must be 1 to 64 printable characters.";
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
        foreach (var rune in username.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
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

        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-_.:]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
