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

    // The default region, then one region per other calling code of the configured list (CA shares +1 with US).
    private readonly string[] _phoneRegions;

    // Each of those regions' lengths and numbering plan, to tell most runs that are no number there without a parse.
    private readonly Dictionary<string, RegionFit> _regionRules;

    // The plans, shared by every instance (libphonenumber's metadata is the same for all) and compiled on first use, so
    // start-up (a Lambda cold start) does not pay for regions no message reaches; the first run a region is asked about
    // waits for its patterns once per process (5 to 200 ms here, the most for +1, which 25 regions share).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<NumberPlan>> NumberPlans = new(StringComparer.Ordinal);

    public PiiMessageModerator(IOptions<StreamChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Moderation.Pii;
        var codes = new HashSet<int>();
        _phoneRegions = [.. new[] { _options.DefaultPhoneRegion }.Concat(_options.PhoneRegions)
            .Where(region => codes.Add(_phoneNumbers.GetCountryCodeForRegion(region)))];
        _regionRules = _phoneRegions.Select(region => (region, _phoneNumbers.GetMetadataForRegion(region)))
            .Where(static plan => plan.Item2 is not null)
            .ToDictionary(
                static plan => plan.region,
                plan => new RegionFit(plan.Item2, plan.region == _options.DefaultPhoneRegion) { Plan = NumberPlans.GetOrAdd(plan.region, static (_, metadata) => new(() => new NumberPlan(metadata, SharingCallingCode(metadata))), plan.Item2) },
                StringComparer.Ordinal);
    }

    /// <summary>The metadata of every region that shares <paramref name="region"/>'s calling code.</summary>
    internal static IEnumerable<PhoneMetadata> SharingCallingCode(PhoneMetadata region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var phones = PhoneNumberUtil.GetInstance();
        return phones.GetRegionCodesForCountryCode(region.CountryCode).Select(phones.GetMetadataForRegion).Where(static other => other is not null);
    }

    internal enum Kind
    {
        Email,
        Card,
        Ssn,
        Iban,
        Ip,
        Phone,
        Address,
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
        var text = System.Text.Ascii.IsValid(original) ? original : StreamChat.Core.Internal.WellFormedText.ForNormalization(original).Normalize(NormalizationForm.FormKC);

        // Numbers spelled as words and addresses spaced letter by letter are read as written plainly; a redaction then
        // shows the plain form around the mask.
        if (text.Length >= 19)
        {
            text = PiiTextFolding.FoldSpelledDigits(text) ?? text;
        }

        if (text.Contains('@', StringComparison.Ordinal) && PiiTextFolding.CollapseSpacedCharacters(text) is { } collapsed && EmailPattern().IsMatch(collapsed))
        {
            text = collapsed;
        }

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

        if (ActionFor(Kind.Email) != PiiAction.Allow && MayHideEmail(text))
        {
            foreach (var candidate in SpelledEmailPattern().EnumerateMatches(text))
            {
                // Groups are read only for a candidate (rare), so clean chat allocates nothing here.
                var match = SpelledEmailPattern().Match(text, candidate.Index, candidate.Length);
                if (IsSpelledEmail(text, match) && !Overlaps(found ??= [], candidate.Index, candidate.Length))
                {
                    found.Add((candidate.Index, candidate.Length, Kind.Email));
                }
            }
        }

        var (digits, run) = CountDigits(text);

        // Every address form holds a number (house, postcode, box), so text without digits skips the patterns.
        if (digits > 0 && ActionFor(Kind.Address) != PiiAction.Allow)
        {
            foreach (var pattern in AddressPatterns)
            {
                foreach (var match in pattern.EnumerateMatches(text))
                {
                    if (!Overlaps(found ??= [], match.Index, match.Length))
                    {
                        found.Add((match.Index, match.Length, Kind.Address));
                    }
                }
            }
        }

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
        // One scan finds the runs every number rule reads: a card, an SSN and a phone number are each one run.
        var runs = run >= 7 ? DigitRun.FindAll(text, 7) : null;
        if (runs is not null && run >= 13 && ActionFor(Kind.Card) != PiiAction.Allow)
        {
            AddCards(runs, found);
        }

        if (runs is not null && run >= 9 && ActionFor(Kind.Ssn) != PiiAction.Allow)
        {
            AddSsns(text, runs, found);
        }

        if (digits >= 8 && ActionFor(Kind.Iban) != PiiAction.Allow)
        {
            AddIbans(text, found);
        }

        if (ActionFor(Kind.Ip) != PiiAction.Allow && text.Contains('.', StringComparison.Ordinal))
        {
            AddMatches(text, Ipv4Pattern(), Kind.Ip, found, m => !FollowsNumberContext(text, m.Index) && !PublicResolvers.Contains(m.Value));
        }

        if (runs is not null && ActionFor(Kind.Phone) != PiiAction.Allow)
        {
            // Each run is parsed on its own, not the text given to libphonenumber's finder: the finder costs about
            // eleven microseconds for any text with a run of digits in it (ten times a short message), and given a
            // long run of spread-out digits it tries every inner grouping (a hundred times; issue 19). A parse costs one.
            // Written in international form ("+44 7700 900123") a number is a phone number to any reader, even in
            // ranges libphonenumber does not call valid (reserved or newly assigned ones); a national one must be valid
            // in the default region, and not named as something else, a count, a date or a list of years.
            var budget = new ParseBudget(text.Length);
            foreach (var digitRun in runs)
            {
                if (digitRun.Digits.Length > MaxPhoneRunDigits)
                {
                    continue;
                }

                var plus = AfterPlus(text, digitRun);
                var isPhone = plus
                    ? StartsWithCountryCode(digitRun.Digits) && IsPossibleInternational(digitRun.Digits, budget)
                    : !digitRun.TouchesLetter && !digitRun.HasSlash && !FollowsNumberContext(text, digitRun.Start) && !IsNotAPhone(digitRun)
                        && IsValidIn(digitRun.Digits, _options.DefaultPhoneRegion, budget);
                if (budget.TakeUnchecked())
                {
                    // Past the budget a run is taken for a phone number unread: a message cannot hide one behind decoys.
                    isPhone = true;
                }

                if (isPhone)
                {
                    var start = plus ? text.LastIndexOf('+', digitRun.Start) : digitRun.Start;
                    if (!Overlaps(found, start, digitRun.End - start))
                    {
                        found.Add((start, digitRun.End - start, Kind.Phone));
                    }

                    if (ActionFor(Kind.Phone) == PiiAction.Block)
                    {
                        // Blocked for one number; the rest need not be found (a message of twenty costs what one does).
                        return found;
                    }
                }
            }

            // What libphonenumber's finder does not take: national formats of the other configured regions
            // ("07700 900123", "06 12 34 56 78", "010-1234-5678") and numbers written digit by digit or with
            // underscores ("6 4 6 - 5 5 5 - 0 1 4 2"). Each run is parsed once per calling code, not the text once per region.
            // A run costs about a microsecond per region it could be a number of; the budget bounds the whole message.
            foreach (var candidate in runs)
            {
                if (!AfterPlus(text, candidate) && IsPhoneCandidate(text, candidate) && !Overlaps(found, candidate.Start, candidate.End - candidate.Start)
                    && (IsValidInSomeRegion(candidate.Digits, budget) | budget.TakeUnchecked()))
                {
                    found.Add((candidate.Start, candidate.End - candidate.Start, Kind.Phone));
                    if (ActionFor(Kind.Phone) == PiiAction.Block)
                    {
                        return found;
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// A run that may be a national phone number: 8 to 15 digits (with the area code every national format but a local
    /// US one has 8 or more; libphonenumber's own pass has taken those), written in groups or after a national trunk
    /// prefix ("0612345678") or after a word that names a phone ("my number is 3471234567"; an unbroken "536221234"
    /// alone is as often a score), not a date, a list of years, a count, an SSN's
    /// shape, or a number named as something else.
    /// </summary>
    private static bool IsPhoneCandidate(string text, DigitRun run) =>
        run.Digits.Length is >= 8 and <= 15 && (run.GroupCount > 1 || run.Digits[0] == '0' || NamesPhone(Before(text, run))) && !run.HasSlash && !run.TouchesLetter && !IsSsnShaped(run) && !IsNotAPhone(run) && !FollowsNumberContext(text, run.Start);

    /// <summary>The run around <paramref name="start"/> is a count, a date or a list of years.</summary>
    private static bool IsNotAPhone(List<DigitRun> runs, int start)
    {
        foreach (var run in runs)
        {
            if (start >= run.Start && start < run.End)
            {
                return IsNotAPhone(run);
            }
        }

        return false;
    }

    private static bool IsNotAPhone(DigitRun run) => run.IsCounting || run.HasMinusSign || IsDateOrYears(run);

    /// <summary>"2026-11-25", "2026.11.25", "2019 2020 2021": groups that read as a date (year first) or as years.</summary>
    private static bool IsDateOrYears(DigitRun run)
    {
        var digits = run.Digits.AsSpan();
        if (run.GroupCount == 3 && run.GroupLength(0) == 4 && run.GroupLength(1) <= 2 && run.GroupLength(2) <= 2)
        {
            return IsYear(digits[..4]);
        }

        if (run.GroupCount < 2)
        {
            return false;
        }

        for (var i = 0; i < run.GroupCount; i++)
        {
            if (run.GroupLength(i) != 4 || !IsYear(digits.Slice(4 * i, 4)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsYear(ReadOnlySpan<char> four) => four[0] == '1' && four[1] == '9' || four[0] == '2' && four[1] == '0';

    private static readonly string[] PhoneWords = ["number", "call", "text", "phone", "whatsapp", "whats app", "tel", "mobile", "cell", "ring", "contact", "reach me", "sms", "viber", "wa "];

    private static bool NamesPhone(ReadOnlySpan<char> before)
    {
        foreach (var word in PhoneWords)
        {
            if (before.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The 32 characters before <paramref name="run"/>, where a word naming it ("ssn", "call") would be.</summary>
    private static ReadOnlySpan<char> Before(string text, DigitRun run) => text.AsSpan(Math.Max(0, run.Start - 32), Math.Min(run.Start, 32));

    private static bool IsSsnShaped(DigitRun run) =>
        run.GroupCount == 3 && run.GroupLength(0) == 3 && run.GroupLength(1) == 2 && run.GroupLength(2) == 4;

    /// <summary>
    /// What tells, from libphonenumber's metadata and by length alone, whether a run can be a national number of one
    /// region (with or without its national prefix); a region whose prefix is a pattern (carrier codes: BR, JP, KR, AU)
    /// is left to its <see cref="NumberPlan"/>. Read once per region, so a check costs a few nanoseconds.
    /// </summary>
    private sealed class RegionFit
    {
        private readonly string _trunkPrefix;
        private readonly bool _needsTrunkPrefix;
        private readonly bool _prefixIsPattern;
        private readonly int[] _lengths;
        private readonly bool _lengthsFitWithoutPrefix;
        private readonly string[] _parsePrefixes;

        public RegionFit(PhoneMetadata metadata, bool isDefault)
        {
            var writtenWithout = isDefault || WrittenWithoutTrunkPrefix.Contains(metadata.Id);
            _trunkPrefix = metadata.NationalPrefix ?? string.Empty;

            // Where numbers are written at home with their trunk prefix (GB, DE, FR, AU, JP, KR, ...), a run without it
            // is not one of theirs.
            _needsTrunkPrefix = _trunkPrefix.Length > 0 && !writtenWithout;
            _prefixIsPattern = metadata.NationalPrefixForParsing?.Contains('(', StringComparison.Ordinal) == true;
            _lengths = [.. metadata.GeneralDesc.PossibleLengthList];
            _lengthsFitWithoutPrefix = _trunkPrefix.Length == 0 || writtenWithout;
            _parsePrefixes = (metadata.NationalPrefixForParsing ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries);
            Plan = null!;
        }

        /// <summary>Gets or sets the region's numbering plan, compiled on first use.</summary>
        public Lazy<NumberPlan> Plan { get; init; }

        public bool Fits(string digits)
        {
            if (_needsTrunkPrefix && !digits.StartsWith(_trunkPrefix, StringComparison.Ordinal))
            {
                return false;
            }

            if (_prefixIsPattern || (_lengthsFitWithoutPrefix && Array.IndexOf(_lengths, digits.Length) >= 0))
            {
                return true;
            }

            foreach (var prefix in _parsePrefixes)
            {
                if (digits.StartsWith(prefix, StringComparison.Ordinal) && Array.IndexOf(_lengths, digits.Length - prefix.Length) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>"+44 ...": a run written in international form, which the first pass has judged (a national format never has a '+').</summary>
    private static bool AfterPlus(string text, DigitRun run)
    {
        var from = Math.Max(0, run.Start - 2);
        return text.AsSpan(from, run.Start - from).Contains('+');
    }

    /// <summary>
    /// Regions whose numbers are commonly written at home without the trunk prefix ("98765 43210" in India, "(11) 91234-5678"
    /// in Brazil). Elsewhere (GB, DE, FR, AU, JP, KR, ...) a national number is written with its 0, so a run without one is
    /// not parsed for those regions: each parse costs a microsecond, and a message is not to cost three times ordinary
    /// chat because it holds a digit group (issue 19).
    /// </summary>
    private static readonly HashSet<string> WrittenWithoutTrunkPrefix = new(StringComparer.Ordinal) { "IN", "BR", "US", "CA" };

    /// <summary>
    /// Whether the first one to three digits are a country calling code libphonenumber knows, followed by as many digits
    /// as a national number can have (2 to 17). No calling code starts with 0. Checked before parsing because a parse
    /// that fails throws, and an exception costs ten times the parse: "+09046 ..." repeated cost 4.6 times ordinary chat.
    /// </summary>
    private bool StartsWithCountryCode(string digits)
    {
        if (digits.Length == 0 || digits[0] == '0')
        {
            return false;
        }

        var code = 0;
        for (var i = 0; i < Math.Min(3, digits.Length); i++)
        {
            code = (code * 10) + (digits[i] - '0');
            var national = digits.Length - (i + 1);
            if (national is >= 2 and <= 17 && _phoneNumbers.GetRegionCodeForCountryCode(code) != "ZZ")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The most digits a run libphonenumber is asked about may hold: its own limit, past which a parse throws.</summary>
    private const int MaxPhoneRunDigits = 17;

    private bool IsValidInSomeRegion(string digits, ParseBudget budget)
    {
        foreach (var region in _phoneRegions)
        {
            if (IsValidIn(digits, region, budget))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsValidIn(string digits, string region, ParseBudget budget)
    {
        if (budget.Recall(digits, region) is { } known)
        {
            return known;
        }

        if (_regionRules.TryGetValue(region, out var rules) && (!rules.Fits(digits) || !rules.Plan.Value.MayBeValid(digits)))
        {
            budget.Remember(digits, region, false);
            return false;
        }

        return budget.Ask(digits, region, this, static (moderator, digits, region) =>
        {
            try
            {
                return moderator._phoneNumbers.IsValidNumber(moderator._phoneNumbers.Parse(digits, region));
            }
            catch (NumberParseException)
            {
                // Too short or too long for this region's plan: not a number here.
                return false;
            }
        });
    }

    /// <summary>"+" and these digits: a number libphonenumber calls possible for its calling code.</summary>
    private bool IsPossibleInternational(string digits, ParseBudget budget) =>
        budget.Ask(digits, "+", this, static (moderator, digits, _) =>
        {
            try
            {
                return moderator._phoneNumbers.IsPossibleNumber(moderator._phoneNumbers.Parse("+" + digits, "ZZ"));
            }
            catch (NumberParseException)
            {
                return false;
            }
        });

    /// <summary>
    /// A region's numbering plan from libphonenumber's metadata, to tell most runs that are no number there without
    /// asking the parser (one compiled pattern match costs a tenth of a parse and validation). libphonenumber calls a
    /// number valid only when its national part matches the pattern of one type of number (fixed line, mobile, toll
    /// free...) of a region with its calling code, and whatever the parser takes off the front first (the calling code,
    /// a national or carrier prefix) that part is a tail of the run; a run none of whose tails matches is no number
    /// there. The parser is still asked whenever it might read the run otherwise: after the region's international
    /// prefix ("0049 ..." is another country's number) or a prefix the region rewrites (a transform rule, as BR's).
    /// </summary>
    internal sealed class NumberPlan
    {
        /// <summary>The most digits the parser takes off the front of a national run: a calling code (3) and national and carrier prefixes (KR's "0085x" is 5).</summary>
        private const int MaxTakenOff = 7;

        private readonly Regex? _anyTail;
        private readonly Regex? _prefix;
        private readonly Regex? _internationalPrefix;
        private readonly bool _transforms;

        /// <param name="metadata">The region a run is parsed for.</param>
        /// <param name="sharingItsCode">Every region with the same calling code (the parser calls a number valid when it is one of any of them: "905..." parsed for US is a valid Canadian number).</param>
        public NumberPlan(PhoneMetadata metadata, IEnumerable<PhoneMetadata> sharingItsCode)
        {
            ArgumentNullException.ThrowIfNull(metadata);
            _transforms = !string.IsNullOrEmpty(metadata.NationalPrefixTransformRule);

            // One pattern: up to MaxTakenOff digits taken off, then a number of any type of any of the regions. A valid
            // number's national part matches its type's pattern, so a run this does not match is no number there.
            var types = sharingItsCode.Append(metadata).Distinct()
                .SelectMany(static region => new[]
                {
                    region.FixedLine, region.Mobile, region.TollFree, region.PremiumRate, region.SharedCost,
                    region.PersonalNumber, region.Voip, region.Pager, region.Uan, region.Voicemail,
                })
                .Select(static desc => desc?.NationalNumberPattern)
                .Where(static pattern => !string.IsNullOrEmpty(pattern))
                .Distinct()
                .ToList();
            _anyTail = types.Count == 0
                ? null
                : new Regex(@"^\d{0," + MaxTakenOff + "}(?:" + string.Join('|', types) + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.NonBacktracking);
            _prefix = string.IsNullOrEmpty(metadata.NationalPrefixForParsing)
                ? null
                : new Regex("^(?:" + metadata.NationalPrefixForParsing + ")", RegexOptions.CultureInvariant);
            _internationalPrefix = string.IsNullOrEmpty(metadata.InternationalPrefix)
                ? null
                : new Regex("^(?:" + metadata.InternationalPrefix + ")", RegexOptions.CultureInvariant);
        }

        /// <summary>Whether a parse could call <paramref name="digits"/> valid; <see langword="false"/> only when it certainly would not.</summary>
        public bool MayBeValid(string digits) =>
            _anyTail is null
            || _anyTail.IsMatch(digits)

            // After the region's international prefix ("0049 ...") the run is another country's number to the parser,
            || _internationalPrefix?.IsMatch(digits) == true

            // and where the national prefix is rewritten (BR's carrier codes) a run that starts with it is left to the parser.
            || (_transforms && _prefix?.IsMatch(digits) == true);
    }

    /// <summary>
    /// How often one message may ask libphonenumber: twice, and once more per 30 characters. A parse and validation cost
    /// one to two microseconds, some 25 characters of ordinary chat for all the moderators, so a message made of digit
    /// runs would otherwise cost many times ordinary chat of its length (issue 19). Most runs never get here (the
    /// region's <see cref="NumberPlan"/> tells they are no number), the same digits are never asked about twice for one
    /// region, and a blocked number ends the search. A run that needed a question past the budget is unchecked, and the
    /// caller takes it for a phone number: decoy runs must not hide a real one.
    /// </summary>
    private sealed class ParseBudget(int textLength)
    {
        private List<(string Digits, string Region, bool Answer)>? _asked;
        private int _left = 2 + (textLength / 30);
        private bool _unchecked;

        /// <summary>Libphonenumber's answer for these digits in this region, or <see langword="false"/> (and the run unchecked) past the budget.</summary>
        public bool Ask(string digits, string region, PiiMessageModerator moderator, Func<PiiMessageModerator, string, string, bool> parse)
        {
            if (Recall(digits, region) is { } known)
            {
                return known;
            }

            if (_left == 0)
            {
                _unchecked = true;
                return false;
            }

            _left--;
            var result = parse(moderator, digits, region);
            Remember(digits, region, result);
            return result;
        }

        /// <summary>The answer already known for these digits in this region, if any.</summary>
        public bool? Recall(string digits, string region)
        {
            if (_asked is not null)
            {
                foreach (var (askedDigits, askedRegion, answer) in _asked)
                {
                    if (askedRegion == region && askedDigits == digits)
                    {
                        return answer;
                    }
                }
            }

            return null;
        }

        /// <summary>Keeps an answer found without asking (the run cannot be a number there), so it is not worked out again.</summary>
        public void Remember(string digits, string region, bool answer) => (_asked ??= []).Add((digits, region, answer));

        /// <summary>Whether the run just looked at needed a question past the budget; resets for the next run.</summary>
        public bool TakeUnchecked()
        {
            var was = _unchecked;
            _unchecked = false;
            return was;
        }
    }

    /// <summary>Card numbers split by any common separator; a run longer than a card ("4111 1111 1111 1111 12/28") is tried group by group.</summary>
    private static void AddCards(List<DigitRun> runs, List<(int Start, int Length, Kind Kind)> found)
    {
        foreach (var run in runs)
        {
            for (var groups = run.GroupCount; groups >= 1; groups--)
            {
                var count = run.DigitsInGroups(groups);
                if (count is >= 13 and <= 19 && PaymentCard.IsPlausible(run.Digits.AsSpan(0, count)))
                {
                    var end = groups == run.GroupCount ? run.End : run.TextEndOfGroups(groups);
                    if (!Overlaps(found, run.Start, end - run.Start))
                    {
                        found.Add((run.Start, end - run.Start, Kind.Card));
                    }

                    break;
                }

                if (count < 13)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// US social security numbers, invalid ranges excluded: nine digits written AAA-GG-SSSS with any separator ("219-09-9999",
    /// "536 22 1234", "318.54.2290"), or in any grouping ("219099999") when a word just before them says so ("ssn", "ss#",
    /// "social", "social security number"); without the shape or such a word nine digits are too often something else.
    /// </summary>
    private static void AddSsns(string text, List<DigitRun> runs, List<(int Start, int Length, Kind Kind)> found)
    {
        foreach (var run in runs)
        {
            if (run.Digits.Length != 9 || run.TouchesLetter || Overlaps(found, run.Start, run.End - run.Start))
            {
                continue;
            }

            var digits = run.Digits.AsSpan();
            var named = IsSsnShaped(run) && !run.HasSlash || NamesSsn(Before(text, run));
            if (named && IsValidSsn(digits[..3], digits.Slice(3, 2), digits[5..]))
            {
                found.Add((run.Start, run.End - run.Start, Kind.Ssn));
            }
        }
    }

    private static bool NamesSsn(ReadOnlySpan<char> before) =>
        before.Contains("ssn", StringComparison.OrdinalIgnoreCase) || before.Contains("ss#", StringComparison.OrdinalIgnoreCase)
        || before.Contains("social", StringComparison.OrdinalIgnoreCase) || before.Contains("soc sec", StringComparison.OrdinalIgnoreCase)
        || before.Contains("ss no", StringComparison.OrdinalIgnoreCase) || before.Contains("ss number", StringComparison.OrdinalIgnoreCase);

    /// <summary>IBANs in one run or in groups split by spaces or dashes; a word after the last group ("... 3201 pls") is not part of it.</summary>
    private static void AddIbans(string text, List<(int Start, int Length, Kind Kind)> found)
    {
        foreach (var candidate in IbanPattern().EnumerateMatches(text))
        {
            var value = text.AsSpan(candidate.Index, candidate.Length);
            var length = candidate.Length;
            if (!Iban.IsValid(value))
            {
                var lastSeparator = value.LastIndexOfAny(' ', '-');
                length = lastSeparator > 0 && Iban.IsValid(value[..lastSeparator]) ? lastSeparator : 0;
            }

            if (length > 0 && !Overlaps(found, candidate.Index, length))
            {
                found.Add((candidate.Index, length, Kind.Iban));
            }
        }
    }

    /// <summary>
    /// One pass: how many digits <paramref name="text"/> holds, and the most in one stretch where digit groups
    /// are split by at most three of <c>space - . ( ) / _</c> (as <see cref="DigitRun"/> reads them).
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
            else if (current > 0 && c is ' ' or '-' or '.' or '(' or ')' or '/' or '_' && ++gap <= 3)
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
        Kind.Address => _options.PostalAddresses,
        _ => _options.PhoneNumbers,
    };

    private static string RuleName(Kind kind) => kind switch
    {
        Kind.Email => "pii.email",
        Kind.Card => "pii.card",
        Kind.Ssn => "pii.ssn",
        Kind.Iban => "pii.iban",
        Kind.Ip => "pii.ip",
        Kind.Address => "pii.address",
        _ => "pii.phone",
    };

    private static string Mask(Kind kind) => kind switch
    {
        Kind.Email => "[email]",
        Kind.Card => "[card]",
        Kind.Ssn => "[ssn]",
        Kind.Iban => "[iban]",
        Kind.Ip => "[ip]",
        Kind.Address => "[address]",
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

    private static readonly Regex[] AddressPatterns = [StreetAddressPattern(), CuedStreetAddressPattern(), EuropeanStreetPattern(), GermanStreetPattern(), PostcodePattern(), PoBoxPattern()];

    // Mail providers everyone knows: "name at gmail dot com" is an address even without the word "mail".
    private static readonly string[] MailProviders = ["gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "msn", "icloud", "me", "aol", "proton", "protonmail", "gmx", "web", "yandex", "mail", "orange", "free", "libero", "naver", "daum", "qq", "163", "rediffmail", "docomo", "wanadoo", "btinternet", "comcast"];

    /// <summary>
    /// Cheap pre-check, run on every message: a spelled-out or spaced e-mail needs an "at" of some kind ("@", "at" as a
    /// word, "arroba") and a "dot" of some kind ("dot", "d0t", "ponto", or a "." before a letter, as in ".com" or ". com"). A
    /// sentence's closing full stop is not one, so most chat never reaches the pattern.
    /// </summary>
    private static bool MayHideEmail(string text) =>
        (text.Contains('@', StringComparison.Ordinal) || text.Contains(" at", StringComparison.OrdinalIgnoreCase) || text.Contains("(at", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[at", StringComparison.OrdinalIgnoreCase) || text.Contains("{at", StringComparison.OrdinalIgnoreCase) || text.Contains("<at", StringComparison.OrdinalIgnoreCase)
            || text.Contains("arroba", StringComparison.OrdinalIgnoreCase))
        && (text.Contains("dot", StringComparison.OrdinalIgnoreCase) || text.Contains("d0t", StringComparison.OrdinalIgnoreCase) || text.Contains("ponto", StringComparison.OrdinalIgnoreCase) || HasDotBeforeLetter(text))
        && HasAtDomainDotTld(text);

    // The top-level domains the spelled-e-mail pattern knows.
    private static readonly HashSet<string> MailTlds = new(StringComparer.OrdinalIgnoreCase)
    {
        "com", "net", "org", "edu", "gov", "io", "me", "tv", "co", "uk", "de", "fr", "es", "it", "nl", "be", "at", "ch", "ca", "au", "jp", "kr", "br",
        "mx", "in", "ru", "pl", "se", "no", "dk", "fi", "ie", "pt", "ne", "info", "biz",
    };

    /// <summary>
    /// The pattern's shape in one linear pass over words: an "at" of some kind, a domain word that is not itself "at" or
    /// "dot", then up to four "dot" + word, one of them a top-level domain ("jake at gmail dot com", "(at) gmx [dot] de").
    /// Without it the pattern is not run: "at dot at dot ..." made it try every word as the start of an address, three
    /// times the cost of ordinary chat (issue 19).
    /// </summary>
    private static bool HasAtDomainDotTld(string text)
    {
        // 0: looking for an at; 1: after an at, wanting a domain; 2: after a domain, wanting a dot; 3: after a dot, wanting a label.
        var state = 0;
        var labels = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c) || c is '_' or '-' or '%' or '+')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '%' or '+'))
                {
                    i++;
                }

                var word = text.AsSpan(start, i - start);
                var isAt = word.Equals("at", StringComparison.OrdinalIgnoreCase) || word.Equals("arroba", StringComparison.OrdinalIgnoreCase);
                var isDot = word.Equals("dot", StringComparison.OrdinalIgnoreCase) || word.Equals("d0t", StringComparison.OrdinalIgnoreCase) || word.Equals("ponto", StringComparison.OrdinalIgnoreCase);
                if (state == 3 && MailTlds.Contains(word.ToString()))
                {
                    return true; // "at" too: Austria's ("lisa (at) gmx (dot) at")
                }

                if (state == 3 && !isAt && !isDot)
                {
                    state = ++labels < 4 ? 2 : 0;
                }
                else if (state == 2 && isDot)
                {
                    state = 3;
                }
                else if (state == 1 && !isAt && !isDot)
                {
                    (state, labels) = (2, 0);
                }
                else
                {
                    state = isAt ? 1 : 0;
                }

                continue;
            }

            if (c == '@')
            {
                state = 1;
            }
            else if (c == '.' && state == 2)
            {
                state = 3;
            }
            else if (c == '.' && state != 3)
            {
                state = 0;
            }

            i++;
        }

        return false;
    }

    private static bool HasDotBeforeLetter(string text)
    {
        for (var i = text.IndexOf('.', StringComparison.Ordinal); i >= 0 && i < text.Length - 1; i = text.IndexOf('.', i + 1))
        {
            var next = text[i + 1] == ' ' && i + 2 < text.Length ? text[i + 2] : text[i + 1];
            if (char.IsAsciiLetter(next))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// "jake dot miller at gmail dot com" is an address; "meet at the mall" and "join at twitch dot tv" are not. Bracketed
    /// symbols ("(at)", "[dot]") or a spaced "@" are written only to hide an address; a bare "at" counts when the domain is
    /// a mail provider or the message speaks of mail.
    /// </summary>
    private static bool IsSpelledEmail(string text, Match match)
    {
        var at = match.Groups["at"].ValueSpan.Trim();
        if (!at.Equals("at", StringComparison.OrdinalIgnoreCase) && !at.Equals("arroba", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var domain = match.Groups["domain"].Value;
        foreach (var provider in MailProviders)
        {
            if (domain.Equals(provider, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return text.Contains("mail", StringComparison.OrdinalIgnoreCase) || text.Contains("contact", StringComparison.OrdinalIgnoreCase) || text.Contains("write", StringComparison.OrdinalIgnoreCase);
    }

    // local part (up to five words joined by dots, "dot" or underscores), an "at" of some kind, a domain, then one or more
    // "dot" + label. The bounds keep the work per start position constant: with an open "*" here, text made of "at dot at
    // dot ..." cost three times an ordinary message of its length (issue 19). For the same reason a local part starts only
    // where a word does, not after a dot, dash or underscore inside one ("n-i-c-e-(at) ...").
    [GeneratedRegex(@"(?<![A-Za-z0-9_%+.\-])[A-Za-z0-9_%+\-]{1,64}(?:(?:\s*\.\s*|\s+d[o0]t\s+|\s*[\(\[\{<]d[o0]t[\)\]\}>]\s*|\s+underscore\s+)[A-Za-z0-9_%+\-]{1,64}){0,4}(?<at>\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|\s+at\s+|\s+arroba\s+|\s+@\s*|\s*@\s+)(?<domain>[A-Za-z0-9\-]+)(?:(?:\s+d[o0]t\s+|\s+ponto\s+|\s*[\(\[\{<]d[o0]t[\)\]\}>]\s*|\s+\.\s*|\s*\.\s+|\.)(?:com|net|org|edu|gov|io|me|tv|co|uk|de|fr|es|it|nl|be|at|ch|ca|au|jp|kr|br|mx|in|ru|pl|se|no|dk|fi|ie|pt|ne|jp|info|biz)\b)+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture)]
    private static partial Regex SpelledEmailPattern();

    // A house number, one to three capitalized name words, a street type: "742 Evergreen Terrace", "55 W Jackson Blvd".
    [GeneratedRegex(@"(?<![\w/])\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]*\.?\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Terrace|Place|Pl|Circle|Parkway|Pkwy|Highway|Hwy|Crescent|Close|Grove|Gardens|Mall|Loop|Square|Sq|Row|Walk|Mews|Hill|Heights)\b\.?", RegexOptions.CultureInvariant)]
    private static partial Regex StreetAddressPattern();

    // The same in any case, as chat is written ("i live at 12 maple drive", "my address is 55 elm st"), where words
    // before it say an address follows (live at, address, i'm at, send it to, unit 4 /, ...). The name words are not
    // words a distance or a time is made of: "it's a 2 hour drive", "meet me at 5 on the way" pass.
    [GeneratedRegex(@"(?<!\w)(?:live\s+(?:at|on)|living\s+at|lives\s+at|address(?:\s+is)?|addy(?:\s+is)?|i'?m\s+at|we'?re\s+at|come\s+to|send\s+(?:it\s+|them\s+)?to|ship\s+(?:it\s+)?to|deliver\s+(?:it\s+)?to|mail\s+(?:it\s+)?to|pull\s+up\s+(?:to|at)|meet\s+(?:me\s+|us\s+)?at|located\s+at|find\s+me\s+at|(?:unit|apt|flat|suite)\s*#?\d{1,4}[a-z]?\s*[/,]?)\s*:?\s*\d{1,5}[a-z]?,?\s+(?:(?!(?:the|a|an|on|in|at|to|of|my|your|our|their|this|that|more|hour|hours|min|mins|minute|minutes|mile|miles|km|way)\b)[a-z]+\.?\s+){1,3}(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|terrace|place|pl|circle|parkway|pkwy|highway|hwy|crescent|close|grove|gardens|loop|square|sq|row|walk|mews)\b\.?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CuedStreetAddressPattern();

    // French order, the street type in lower case as the French write it, then a particle or a name: "12 rue de la Paix",
    // "45 boulevard Saint-Michel" (not "9 boulevard who wins", not the team "5 Avenue Gaming"); Spanish, Italian and
    // Portuguese name-then-number: "Calle Mayor 10", "Via Roma 5".
    [GeneratedRegex(@"(?<!\w)(?:\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|allée|allee|chemin|impasse|quai|route|cours|square|passage)\s+(?:(?:de|du|des|la|le|les|d')\s*\w+|\p{Lu}\w+)|(?:[Cc]alle|[Vv]ia|[Vv]iale|[Pp]iazza|[Aa]venida|[Rr]ua)\s+\p{Lu}\w+(?:\s+\w+)?\s+\d{1,4}\b)", RegexOptions.CultureInvariant)]
    private static partial Regex EuropeanStreetPattern();

    // German: "Hauptstraße 5", "Musterstr. 12a", "Lindenallee 44", "Am Markt 1", and a place's adjective before the
    // street type as its own word ("Berliner Straße 42", "Frankfurter Allee 3"), followed by a five-digit postcode or not.
    [GeneratedRegex(@"(?<!\w)(?:[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer)|[A-ZÄÖÜ][a-zäöüß]+er\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer)|Am\s+[A-ZÄÖÜ][a-zäöüß]+)\s+\d{1,4}[a-z]?\b", RegexOptions.CultureInvariant)]
    private static partial Regex GermanStreetPattern();

    // UK ("SW1A 2AA", "M1 1AE"), Canadian ("K1A 0B1"), US state and ZIP ("TX 78701"), Australian state and postcode ("NSW 2000").
    [GeneratedRegex(@"(?<![A-Za-z0-9])(?:(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})|(?:[ABCEGHJ-NPRSTVXY]\d[A-Z]\s?\d[A-Z]\d)|(?:(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)\s+\d{5}(?:-\d{4})?)|(?:(?:NSW|VIC|QLD|TAS|ACT|SA|WA|NT)\s+\d{4}))(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PostcodePattern();

    [GeneratedRegex(@"(?<!\w)p\.?\s?o\.?\s+box\s+\d{1,6}\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PoBoxPattern();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // Country code, check digits, then 11 to 30 letters or digits: in one run, or in groups of four split by single spaces.
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?:[ \-][A-Za-z0-9]{4}){2,7}(?:[ \-][A-Za-z0-9]{1,3})?)(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex IbanPattern();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4Pattern();
}
