using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Spam rules, cheapest first: character floods, zalgo, emoji walls, caps walls, scam phrases, links to
/// domains not on the allow-list, and the same text from one user again within a window.
/// </summary>
internal sealed partial class SpamMessageModerator : IMessageModerator
{
    private const int SweepEvery = 4096;

    private readonly SpamOptions _options;
    private readonly string[] _phrases;
#if NET9_0_OR_GREATER
    private readonly SearchValues<string>? _phraseSearch;
    private readonly SearchValues<string>? _compactSearch;
#endif
    private readonly string[] _compactPhrases;
    private readonly string[] _allowedDomains;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<(string StreamId, string UserId), RecentMessage> _recent = new();
    private int _sinceSweep;

    public SpamMessageModerator(IOptions<StreamChatOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Moderation.Spam;
        _timeProvider = timeProvider;
        var phrases = _options.UseDefaultPhrases ? WordList.ReadEmbedded("spam-phrases-en.txt") : [];
        _phrases = phrases.Concat(_options.Phrases)
            .Select(static p => PhraseView(p))
            .Where(static p => p.Trim().Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        _compactPhrases = _phrases.Select(static p => p.Replace(" ", string.Empty, StringComparison.Ordinal)).Where(static p => p.Length >= 6).ToArray();
#if NET9_0_OR_GREATER
        _phraseSearch = _phrases.Length > 0 ? SearchValues.Create(_phrases, StringComparison.Ordinal) : null;
        _compactSearch = _compactPhrases.Length > 0 ? SearchValues.Create(_compactPhrases, StringComparison.Ordinal) : null;
#endif
        _allowedDomains = _options.AllowedLinkDomains.Select(static d => d.Trim().TrimStart('.').ToLowerInvariant()).Where(static d => d.Length > 0).ToArray();
    }

    /// <inheritdoc />
    public ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(_options.Enabled ? Check(context) : ModerationResult.Allowed);
    }

    private ModerationResult Check(ModerationContext context)
    {
        var text = context.Text;
        var rule = CheckShape(text) ?? (IsRepetition(text) ? "spam.repeated_phrase" : null);
        if (rule is not null)
        {
            return ModerationResult.Block(BlockReason.Spam, rule, ModerationConstants.SpamExplanation);
        }

        // The phrase view is built once, in a pooled buffer, for the phrase and duplicate rules.
        var buffer = ArrayPool<char>.Shared.Rent(text.Length * 2 + 2);
        try
        {
            var view = WritePhraseView(text, buffer);
            if (_phrases.Length > 0 && ContainsPhrase(view))
            {
                return ModerationResult.Block(BlockReason.Spam, "spam.phrase", ModerationConstants.SpamExplanation);
            }

            if (IsScheme(text, view))
            {
                return ModerationResult.Block(BlockReason.Spam, "spam.scheme", ModerationConstants.SpamExplanation);
            }

            if (_options.BlockLinks && HasDisallowedLink(text))
            {
                return ModerationResult.Block(BlockReason.Spam, "spam.link", ModerationConstants.LinkExplanation);
            }

            if (_options.BlockDuplicates && IsDuplicate(context, view))
            {
                return ModerationResult.Block(BlockReason.Spam, "spam.duplicate", ModerationConstants.DuplicateExplanation);
            }

            return ModerationResult.Allowed;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>One pass over the text for the rules about its shape: floods, zalgo, emoji walls, caps walls.</summary>
    private string? CheckShape(string text)
    {
        var run = 0;
        var marks = 0;
        var emoji = 0;
        var upper = 0;
        var lower = 0;
        var previous = -1;
        var art = 0;
        var visible = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            visible += Rune.IsWhiteSpace(rune) ? 0 : 1;

            // Braille patterns, box drawing and block elements: the stuff of text art.
            art += value is >= 0x2500 and <= 0x259F or >= 0x2800 and <= 0x28FF ? 1 : 0;
            run = value == previous && !Rune.IsWhiteSpace(rune) ? run + 1 : 1;
            previous = value;
            if (run > _options.MaxRepeatedCharacters)
            {
                return "spam.repeated_characters";
            }

            if (value < 0x80)
            {
                marks = 0;
                if (value is >= 'A' and <= 'Z')
                {
                    upper++;
                }
                else if (value is >= 'a' and <= 'z')
                {
                    lower++;
                }

                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
            {
                if (_options.ZalgoMaxMarksPerCharacter > 0 && ++marks > _options.ZalgoMaxMarksPerCharacter)
                {
                    return "spam.zalgo";
                }

                continue;
            }

            marks = 0;
            if (IsEmoji(value, category) && ++emoji >= _options.EmojiWallMinEmoji && _options.EmojiWallMinEmoji > 0)
            {
                return "spam.emoji_wall";
            }

            if (category == UnicodeCategory.UppercaseLetter)
            {
                upper++;
            }
            else if (category == UnicodeCategory.LowercaseLetter)
            {
                lower++;
            }
        }

        // Text art: a picture drawn in Braille dots, box lines or blocks, not words.
        if (art >= 8 && art * 10 >= visible * 3)
        {
            return "spam.text_art";
        }

        // A wall: long, and (almost) nothing but capitals.
        if (_options.CapsWallMinLetters > 0 && upper >= _options.CapsWallMinLetters && upper >= 9 * (upper + lower) / 10)
        {
            return "spam.caps_wall";
        }

        return null;
    }

    /// <summary>
    /// Copypasta and emote floods: the same word, or the same phrase of up to four words, over and over ("KEKW KEKW
    /// KEKW ..." six times or more, a phrase four times or more), or one unspaced unit of three or more characters
    /// repeated four times or more ("KEKWKEKWKEKWKEKW"). One emote a few times, and long laughter, pass.
    /// </summary>
    internal static bool IsRepetition(string text)
    {
        if (text.Length < 12)
        {
            return false;
        }

        Span<Range> ranges = stackalloc Range[64];
        var span = text.AsSpan();
        var count = span.SplitAny(ranges, " \t", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (count == 1)
        {
            return IsPeriodic(span[ranges[0]]);
        }

        for (var unit = 1; unit <= 4; unit++)
        {
            if (count < unit * (unit == 1 ? 6 : 4))
            {
                break;
            }

            var same = 0;
            for (var i = unit; i < count; i++)
            {
                same += span[ranges[i]].Equals(span[ranges[i - unit]], StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            }

            if (same * 5 >= (count - unit) * 4)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPeriodic(ReadOnlySpan<char> word)
    {
        if (word.Length < 16)
        {
            return false;
        }

        for (var period = 1; period <= 12 && period * 4 <= word.Length; period++)
        {
            var i = period;
            while (i < word.Length && char.ToLowerInvariant(word[i]) == char.ToLowerInvariant(word[i - period]))
            {
                i++;
            }

            if (i == word.Length)
            {
                // A unit of one or two characters is laughter or a drawn-out letter ("hahahaha"), left to the
                // repeated-characters rule.
                return period >= 3;
            }
        }

        return false;
    }

    private static bool IsEmoji(int value, UnicodeCategory category) =>
        value is >= 0x1F000 and <= 0x1FAFF and not (>= 0x1F3FB and <= 0x1F3FF) // pictographs, not skin tones
        || value is >= 0x2600 and <= 0x27BF && category == UnicodeCategory.OtherSymbol;

    // A money-making scheme says two things: that money is to be made, and how to reach the sender. Either alone is chat.
    private static readonly string[] MoneyTerms =
        [" bitcoin", " btc ", " crypto", " forex ", " invest", " profit", " income ", " rich ", " earn ", " earned ", " earning", " cash ", " money ",
         " mining ", " trading ", " trader ", " usdt ", " nft ", " passive ", " mentor ", " account manager ", " returns ", " payout", " side hustle "];

    private static readonly string[] ContactTerms =
        [" ask me ", " dm me", " message me", " inbox me", " contact me", " contact him", " contact her", " text me", " hit me up",
         " telegram", " whatsapp", " whats app", " signal me", " add me on", " pm me", " write to me", " reach out to", " wickr", " snapchat me"];

#if NET9_0_OR_GREATER
    private static readonly SearchValues<string> MoneySearch = SearchValues.Create(MoneyTerms, StringComparison.Ordinal);
    private static readonly SearchValues<string> ContactSearch = SearchValues.Create(ContactTerms, StringComparison.Ordinal);
#endif

    /// <summary>"i turned $100 into $10,000, message me", "crypto expert here, telegram me": an amount or money word, and a way to contact the sender.</summary>
    private static bool IsScheme(string text, ReadOnlySpan<char> view) =>
#if NET9_0_OR_GREATER
        view.IndexOfAny(ContactSearch) >= 0 && (view.IndexOfAny(MoneySearch) >= 0 || HasAmount(text));
#else
        ContainsAny(view, ContactTerms) && (ContainsAny(view, MoneyTerms) || HasAmount(text));

    private static bool ContainsAny(ReadOnlySpan<char> view, string[] terms)
    {
        foreach (var term in terms)
        {
            if (view.IndexOf(term.AsSpan(), StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }
#endif

    // Currencies written as words after an amount ("300 dollars", "50 quid"), as schemes write them to dodge filters on "$".
    private static readonly string[] CurrencyWords = ["dollars", "dollar", "bucks", "usd", "euros", "euro", "eur", "pounds", "quid", "gbp", "reais", "pesos", "rupees", "usdt"];

    /// <summary>"$100", "$ 5", "$$$", "3k", "10x", "300 dollars": an amount of money or a multiple.</summary>
    private static bool HasAmount(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '$' or '£' or '€' && i + 1 < text.Length
                && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '$' || (text[i + 1] == ' ' && i + 2 < text.Length && char.IsAsciiDigit(text[i + 2]))))
            {
                return true;
            }

            if (char.IsAsciiDigit(c) && i + 1 < text.Length && text[i + 1] is 'k' or 'K' or 'x' && (i + 2 == text.Length || !char.IsAsciiLetterOrDigit(text[i + 2])))
            {
                return true;
            }

            if (char.IsAsciiDigit(c) && (i + 1 == text.Length || !char.IsAsciiDigit(text[i + 1])) && IsCurrencyWordAt(text, i + 1))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCurrencyWordAt(string text, int i)
    {
        if (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        foreach (var word in CurrencyWords)
        {
            if (text.AsSpan(i).StartsWith(word, StringComparison.OrdinalIgnoreCase)
                && (i + word.Length == text.Length || !char.IsAsciiLetter(text[i + word.Length])))
            {
                return true;
            }
        }

        return false;
    }

    private bool ContainsPhrase(ReadOnlySpan<char> view)
    {
        if (MatchesPhrase(view))
        {
            return true;
        }

        // "f r e e  v b u c k s": compare with every space gone, phrases likewise.
        if (!HasSpreadLetters(view))
        {
            return false;
        }

        var compact = view.ToString().Replace(" ", string.Empty, StringComparison.Ordinal);
#if NET9_0_OR_GREATER
        // One search for every phrase at once: spread-out letters ("M - 8 - q - o ...") cost what ordinary text does.
        return _compactSearch is not null && compact.AsSpan().IndexOfAny(_compactSearch) >= 0;
#else
        foreach (var phrase in _compactPhrases)
        {
            if (compact.Contains(phrase, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
#endif
    }

    /// <summary>True when the view has three or more one-letter words in a row.</summary>
    private static bool HasSpreadLetters(ReadOnlySpan<char> view)
    {
        var run = 0;
        for (var i = 1; i + 1 < view.Length; i++)
        {
            if (view[i] != ' ' && view[i - 1] == ' ' && view[i + 1] == ' ')
            {
                if (++run >= 3)
                {
                    return true;
                }
            }
            else if (view[i] != ' ')
            {
                run = 0;
            }
        }

        return false;
    }

    private bool MatchesPhrase(ReadOnlySpan<char> view)
    {
#if NET9_0_OR_GREATER
        return view.IndexOfAny(_phraseSearch!) >= 0;
#else
        return ContainsAny(view, _phrases);
#endif
    }

    /// <summary>Folded, leetspeak mapped in words that have letters, words separated by single spaces, with a space at each end.</summary>
    internal static string PhraseView(string text)
    {
        var buffer = new char[text.Length * 2 + 2];
        return WritePhraseView(text, buffer).ToString();
    }

    /// <summary>Writes the phrase view of <paramref name="text"/> into <paramref name="buffer"/> (at least twice its length plus two).</summary>
    private static ReadOnlySpan<char> WritePhraseView(string text, char[] buffer)
    {
        // ASCII text (most chat) is lower-cased on the fly; anything else is folded first.
        var folded = System.Text.Ascii.IsValid(text) ? text : TextFolding.Fold(text);
        if (folded.Length * 2 + 2 > buffer.Length)
        {
            folded = folded[..((buffer.Length - 2) / 2)];
        }

        var length = 0;
        buffer[length++] = ' ';
        var i = 0;
        while (i < folded.Length)
        {
            if (!IsPhraseChar(folded[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var hasLetter = false;
            while (i < folded.Length && IsPhraseChar(folded[i]))
            {
                hasLetter |= char.IsLetter(folded[i]);
                i++;
            }

            if (length > 1)
            {
                buffer[length++] = ' ';
            }

            for (var k = start; k < i; k++)
            {
                var c = char.ToLowerInvariant(folded[k]);
                buffer[length++] = hasLetter ? TextFolding.MapLeet(c) : c;
            }
        }

        buffer[length++] = ' ';
        return buffer.AsSpan(0, length);
    }

    private static bool IsPhraseChar(char c) => char.IsLetterOrDigit(c) || c is '@' or '$' or '€';

    private bool HasDisallowedLink(string text)
    {
        if (!text.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (Match match in LinkPattern().Matches(text))
        {
            var host = match.Groups["host"].Value.ToLowerInvariant().TrimEnd('.');
            if (!IsAllowedDomain(host))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAllowedDomain(string host)
    {
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }

        foreach (var domain in _allowedDomains)
        {
            if (host == domain || host.EndsWith("." + domain, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsDuplicate(ModerationContext context, ReadOnlySpan<char> view)
    {
        if (context.Text.Length < _options.DuplicateMinLength)
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        var hash = string.GetHashCode(view, StringComparison.Ordinal);
        var key = (context.StreamId, context.UserId);

        // A race between two messages of one user at the same instant can miss one duplicate; that is acceptable.
        var duplicate = _recent.TryGetValue(key, out var previous) && previous.Hash == hash && now - previous.At < _options.DuplicateWindow;
        _recent[key] = new RecentMessage(hash, now);

        if (Interlocked.Increment(ref _sinceSweep) % SweepEvery == 0)
        {
            Sweep(now);
        }

        return duplicate;
    }

    // Keeps memory bounded by active senders: entries older than the window are dropped now and then.
    private void Sweep(DateTimeOffset now)
    {
        foreach (var pair in _recent)
        {
            if (now - pair.Value.At >= _options.DuplicateWindow)
            {
                _recent.TryRemove(pair);
            }
        }
    }

    internal int TrackedSenders => _recent.Count;

    private readonly record struct RecentMessage(int Hash, DateTimeOffset At);

    // Hosts of at most ten labels: with an open "*", text like "g.g.g.g..." made the pattern try the top-level domains
    // after every label (three times the cost of ordinary chat; issue 19).
    [GeneratedRegex(
        @"(?<![\w@.\-])(?:https?://(?<host>[^\s/:?#]+)[^\s]*|(?<host>www\.[a-z0-9\-]+(?:\.[a-z0-9\-]+){1,8})[^\s]*|(?<host>[a-z0-9][a-z0-9\-]{0,62}(?:\.[a-z0-9\-]{1,63}){0,8}\.(?:com|net|org|io|gg|tv|xyz|ru|cn|info|biz|co|me|ly|link|click|top|shop|store|online|site|live|app|dev|us|uk|de|fr|to|cc|ws|tk|ml|ga|cf|gq|pw|vip|win|bet|sbs|buzz|club|fun|icu|cam|porn|sex|xxx))(?![\w\-])(?:/[^\s]*)?)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex LinkPattern();
}
