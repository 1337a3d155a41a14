using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PhoneNumbers;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Finds personal data: e-mail addresses, payment card numbers (length, issuer prefix, Luhn), US social
/// security numbers (invalid ranges excluded), IBANs (country length, mod 97), IPv4 addresses, and phone
/// numbers found and validated by libphonenumber. Each kind is blocked, redacted or allowed as configured.
/// Numbers that only look like these (order numbers, scores, prices, times, years, versions) pass.
/// </summary>
internal sealed partial class PiiMessageModerator : IMessageModerator
{
    private static readonly string[] NumberContextWords = ["order", "invoice", "ticket", "tracking", "ref", "reference", "case", "id", "score", "version", "build", "patch", "v", "ver", "item", "sku", "serial", "isbn"];

    // Addresses of public services everyone knows (DNS resolvers) say nothing about a person.
    private static readonly HashSet<string> PublicResolvers = new(StringComparer.Ordinal) { "1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4", "9.9.9.9", "149.112.112.112", "208.67.222.222", "208.67.220.220" };

    private readonly PhoneNumberUtil _phoneNumbers = PhoneNumberUtil.GetInstance();
    private readonly PiiOptions _options;

    public PiiMessageModerator(IOptions<StreamChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Moderation.Pii;
    }

    internal enum Kind
    {
        Email,
        Card,
        Ssn,
        Iban,
        Ip,
        Phone,
    }

    /// <inheritdoc />
    public ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(_options.Enabled ? Check(context.Text) : ModerationResult.Allowed);
    }

    private ModerationResult Check(string original)
    {
        // Full-width digits and @ are folded so they cannot dodge the rules.
        var text = System.Text.Ascii.IsValid(original) ? original : original.Normalize(NormalizationForm.FormKC);
        var found = Find(text);
        if (found is null)
        {
            return ModerationResult.Allowed;
        }

        foreach (var hit in found)
        {
            if (ActionFor(hit.Kind) == PiiAction.Block)
            {
                return ModerationResult.Block(BlockReason.Pii, RuleName(hit.Kind), ModerationConstants.PiiExplanation);
            }
        }

        return ModerationResult.Redact(Redact(text, found), BlockReason.Pii, RuleName(found[0].Kind), ModerationConstants.PiiRedactedExplanation);
    }

    /// <summary>
    /// Every piece of personal data in <paramref name="text"/> whose kind is not allowed, in text order,
    /// without overlaps; <see langword="null"/> when there is none (the common case allocates nothing).
    /// </summary>
    internal List<(int Start, int Length, Kind Kind)>? Find(string text)
    {
        List<(int Start, int Length, Kind Kind)>? found = null;
        if (ActionFor(Kind.Email) != PiiAction.Allow && text.Contains('@', StringComparison.Ordinal))
        {
            foreach (Match match in EmailPattern().Matches(text))
            {
                (found ??= []).Add((match.Index, match.Length, Kind.Email));
            }
        }

        var (digits, run) = CountDigits(text);
        if (digits >= 4)
        {
            found = FindNumbers(text, digits, run, found ?? []);
        }

        if (found is null || found.Count == 0)
        {
            return null;
        }

        found.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return found;
    }

    /// <param name="text">The message.</param>
    /// <param name="digits">How many digits it holds.</param>
    /// <param name="run">Its longest run of digits: cards, SSNs and phones are one run, maybe split by spaces, dashes, dots or brackets.</param>
    /// <param name="found">What was found so far.</param>
    private List<(int Start, int Length, Kind Kind)> FindNumbers(string text, int digits, int run, List<(int Start, int Length, Kind Kind)> found)
    {
        if (run >= 13 && ActionFor(Kind.Card) != PiiAction.Allow)
        {
            AddMatches(text, CardPattern(), Kind.Card, found, static m => PaymentCard.IsPlausible(m.ValueSpan));
        }

        if (run >= 9 && ActionFor(Kind.Ssn) != PiiAction.Allow)
        {
            AddMatches(text, SsnPattern(), Kind.Ssn, found, static m => IsValidSsn(m.Groups["area"].ValueSpan, m.Groups["group"].ValueSpan, m.Groups["serial"].ValueSpan));
        }

        if (digits >= 8 && ActionFor(Kind.Iban) != PiiAction.Allow)
        {
            AddMatches(text, IbanPattern(), Kind.Iban, found, static m => Iban.IsValid(m.ValueSpan));
        }

        if (ActionFor(Kind.Ip) != PiiAction.Allow && text.Contains('.', StringComparison.Ordinal))
        {
            AddMatches(text, Ipv4Pattern(), Kind.Ip, found, m => !FollowsNumberContext(text, m.Index) && !PublicResolvers.Contains(m.Value));
        }

        if (run >= 7 && ActionFor(Kind.Phone) != PiiAction.Allow)
        {
            // Written in international form ("+44 7700 900123") a number is a phone number to any reader, even
            // in ranges libphonenumber does not call valid (reserved or newly assigned ones); so with a '+' in
            // the text one POSSIBLE pass keeps those and, of the rest, what libphonenumber calls valid.
            var international = text.Contains('+', StringComparison.Ordinal);
            var leniency = international ? PhoneNumberUtil.Leniency.POSSIBLE : PhoneNumberUtil.Leniency.VALID;
            foreach (var match in _phoneNumbers.FindNumbers(text, _options.DefaultPhoneRegion, leniency, long.MaxValue))
            {
                var isPhone = international && match.RawString.StartsWith('+')
                    || (!FollowsNumberContext(text, match.Start) && (!international || _phoneNumbers.IsValidNumber(match.Number)));
                if (isPhone && !Overlaps(found, match.Start, match.Length))
                {
                    found.Add((match.Start, match.Length, Kind.Phone));
                }
            }
        }

        return found;
    }

    /// <summary>
    /// One pass: how many digits <paramref name="text"/> holds, and the most in one stretch where digit groups
    /// are split by at most two of <c>space - . ( ) /</c>.
    /// </summary>
    internal static (int Digits, int LongestRun) CountDigits(string text)
    {
        var digits = 0;
        var longest = 0;
        var current = 0;
        var gap = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
                current++;
                gap = 0;
                longest = Math.Max(longest, current);
            }
            else if (current > 0 && c is ' ' or '-' or '.' or '(' or ')' or '/' && ++gap <= 2)
            {
                continue;
            }
            else
            {
                current = 0;
                gap = 0;
            }
        }

        return (digits, longest);
    }

    private static void AddMatches(string text, Regex pattern, Kind kind, List<(int Start, int Length, Kind Kind)> found, Func<Match, bool> isReal)
    {
        foreach (Match match in pattern.Matches(text))
        {
            if (!Overlaps(found, match.Index, match.Length) && isReal(match))
            {
                found.Add((match.Index, match.Length, kind));
            }
        }
    }

    private static bool Overlaps(List<(int Start, int Length, Kind Kind)> found, int start, int length)
    {
        foreach (var hit in found)
        {
            if (start < hit.Start + hit.Length && hit.Start < start + length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"order 4155552671", "version 1.2.3.4", "ticket #20261125": a number named as something else is not personal data.</summary>
    private static bool FollowsNumberContext(string text, int start)
    {
        var end = start;
        while (end > 0 && (char.IsWhiteSpace(text[end - 1]) || text[end - 1] is '#' or ':' or '.' or '-'))
        {
            end--;
        }

        var begin = end;
        while (begin > 0 && char.IsLetter(text[begin - 1]))
        {
            begin--;
        }

        if (begin == end)
        {
            return end < start && text.AsSpan(end, start - end).Contains('#');
        }

        var word = text.AsSpan(begin, end - begin);
        foreach (var candidate in NumberContextWords)
        {
            if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsValidSsn(ReadOnlySpan<char> area, ReadOnlySpan<char> group, ReadOnlySpan<char> serial) =>
        area is not "000" and not "666" && area[0] != '9' && group is not "00" && serial is not "0000";

    private PiiAction ActionFor(Kind kind) => kind switch
    {
        Kind.Email => _options.Emails,
        Kind.Card => _options.PaymentCards,
        Kind.Ssn => _options.SocialSecurityNumbers,
        Kind.Iban => _options.Ibans,
        Kind.Ip => _options.IpAddresses,
        _ => _options.PhoneNumbers,
    };

    private static string RuleName(Kind kind) => kind switch
    {
        Kind.Email => "pii.email",
        Kind.Card => "pii.card",
        Kind.Ssn => "pii.ssn",
        Kind.Iban => "pii.iban",
        Kind.Ip => "pii.ip",
        _ => "pii.phone",
    };

    private static string Mask(Kind kind) => kind switch
    {
        Kind.Email => "[email]",
        Kind.Card => "[card]",
        Kind.Ssn => "[ssn]",
        Kind.Iban => "[iban]",
        Kind.Ip => "[ip]",
        _ => "[phone]",
    };

    private static string Redact(string text, List<(int Start, int Length, Kind Kind)> found)
    {
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var hit in found)
        {
            builder.Append(text, position, hit.Start - position).Append(Mask(hit.Kind));
            position = hit.Start + hit.Length;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // 13 to 19 digits, optionally split by single spaces or dashes, not part of a longer number.
    [GeneratedRegex(@"(?<![\d])\d(?:[ \-]?\d){12,18}(?![\d])", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    // AAA-GG-SSSS with dashes or spaces (nine bare digits are too often something else).
    [GeneratedRegex(@"(?<![\d\-])(?<area>\d{3})[\- ](?<group>\d{2})[\- ](?<serial>\d{4})(?![\d\-])", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex SsnPattern();

    // Country code, check digits, then 11 to 30 letters or digits: in one run, or in groups of four split by single spaces.
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,3})?)(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex IbanPattern();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Pattern();
}
