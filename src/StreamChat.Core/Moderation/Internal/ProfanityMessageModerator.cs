using Microsoft.Extensions.Options;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Blocks whole words on the profanity list after undoing disguises: case, accents, look-alike letters,
/// leetspeak (<c>sh1t</c>, <c>@ss</c>, <c>f*ck</c>), separators between letters (<c>f.u.c.k</c>) and
/// repeated letters (<c>fuuuck</c>). Words that merely contain a listed one (Scunthorpe, cockpit) pass.
/// </summary>
internal sealed class ProfanityMessageModerator : IMessageModerator
{
    private readonly WordList _words;
    private readonly PhraseList _phrases;
    private readonly bool _enabled;

    public ProfanityMessageModerator(IOptions<StreamChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var profanity = options.Value.Moderation.Profanity;
        _enabled = profanity.Enabled;
        var listed = profanity.UseDefaultList ? WordList.ReadEmbedded("profanity-en.txt").ToList() : [];
        var words = listed.Where(static l => !PhraseList.IsPhrase(l)).ToList();
        // Configured words are folded as messages are ("дурак" in Cyrillic look-alikes), so they compare like with like.
        var blocked = profanity.BlockedWords.Where(static w => !string.IsNullOrWhiteSpace(w)).Select(TextFolding.Fold).ToList();
        var allowed = profanity.AllowedWords.Where(static w => !string.IsNullOrWhiteSpace(w)).Select(TextFolding.Fold).ToList();
        _words = WordList.Create(words.Concat(blocked.Where(static w => !PhraseList.IsPhrase(w))), allowed, WordList.DroppedLetterVariants(words).Concat(WordList.SwappedLetterVariants(words)));
        _phrases = PhraseList.Create(listed.Concat(blocked).Where(PhraseList.IsPhrase), allowed);
    }

    /// <inheritdoc />
    public ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(_enabled && ContainsProfanity(context.Text)
            ? ModerationResult.Block(BlockReason.Profanity, "profanity.word", ModerationConstants.ProfanityExplanation)
            : ModerationResult.Allowed);
    }

    internal bool ContainsProfanity(string text)
    {
        var folded = TextFolding.Fold(text).AsSpan();
        if (folded.IndexOf("|_|", StringComparison.Ordinal) >= 0)
        {
            // "f|_|ck": a letter drawn with symbols.
            folded = folded.ToString().Replace("|_|", "u", StringComparison.Ordinal).AsSpan();
        }

        // For ASCII text the folded characters sit where the originals do, so case can still be read.
        var original = folded.Length == text.Length && System.Text.Ascii.IsValid(text) ? text.AsSpan() : default;
        Span<char> joined = stackalloc char[WordList.MaxTokenLength];
        var mayHoldPhrase = false;
        var joinedLength = 0;
        var lastSingleEnd = -1;

        var i = 0;
        while (NextToken(folded, ref i, out var start))
        {
            var raw = folded[start..i];
            var token = Trim(raw);
            if (token.IsEmpty)
            {
                continue;
            }

            mayHoldPhrase = mayHoldPhrase || _phrases.IsAnchor(token);
            var offset = start + (raw.Length - raw.TrimStart("!|+").Length);
            // A single letter is a word only if the list has one; spread-out letters are read joined below.
            if ((token.Length > 1 || _words.HasSingleLetters) && CheckToken(token, !original.IsEmpty && IsCapitalized(original.Slice(offset, token.Length))))
            {
                return true;
            }

            // "sh!+": a symbol at the end may be a letter after all; exclamation marks alone at the end are punctuation
            // ("let's go!!" is not "gook", each "!" standing for any letter).
            if (raw.Length != token.Length && raw.Length > 2 && !IsWordThenBangs(raw, token) && CheckToken(raw))
            {
                return true;
            }

            // Letters spread out with separators ("f u c k", "s.h.i.t") are joined and checked as one word.
            if (token.Length == 1)
            {
                var gap = start - lastSingleEnd;
                if (joinedLength > 0 && (gap > 3 || joinedLength == joined.Length))
                {
                    if (CheckJoined(joined[..joinedLength]))
                    {
                        return true;
                    }

                    joinedLength = 0;
                }

                joined[joinedLength++] = token[0];
                lastSingleEnd = i;
            }
            else if (joinedLength > 0)
            {
                if (CheckJoined(joined[..joinedLength]))
                {
                    return true;
                }

                joinedLength = 0;
            }
        }

        return CheckJoined(joined[..joinedLength]) || (mayHoldPhrase && ContainsPhrase(folded));
    }

    /// <summary>
    /// The second pass, run only when a token was a phrase's anchor (a word such as "sod" or "f" that every phrase
    /// holding it needs): every token is read in order through the phrase list.
    /// </summary>
    private bool ContainsPhrase(ReadOnlySpan<char> folded)
    {
        var reader = new PhraseList.Reader(_phrases);
        var i = 0;
        while (NextToken(folded, ref i, out var start))
        {
            var token = Trim(folded[start..i]);
            if (!token.IsEmpty && reader.Next(token))
            {
                return true;
            }
        }

        return reader.End();
    }

    /// <summary>
    /// Checks letters that were spread out one by one. Stretches of three or more are tried from every position, those that
    /// could be a listed word read letter by letter (<see cref="WordList.JoinedMatches"/>, at most <see cref="MaxJoinedWord"/>), because
    /// single-letter words sit next to them ("such a f u c k move" joins to "afuckmove"). Bounded this way, a message
    /// of nothing but spread-out letters and digits costs about what ordinary text of its length does (issue 19).
    /// </summary>
    private bool CheckJoined(ReadOnlySpan<char> letters)
    {
        if (letters.Length < 3)
        {
            return false;
        }

        for (var start = 0; start + 3 <= letters.Length; start++)
        {
            var candidates = _words.JoinedMatches(letters[start..], MaxJoinedWord) >> 2;
            for (var end = start + 3; candidates != 0; end++, candidates >>= 1)
            {
                if ((candidates & 1) != 0 && CheckToken(letters[start..end]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The longest stretch of spread-out letters read as one word: the longest listed word (12) and some repeats.</summary>
    private const int MaxJoinedWord = 16;

    /// <summary>"Dick", not "dick" or "DICK": how a name is written.</summary>
    private static bool IsCapitalized(ReadOnlySpan<char> word)
    {
        if (word.Length < 2 || !char.IsAsciiLetterUpper(word[0]))
        {
            return false;
        }

        foreach (var c in word[1..])
        {
            if (!char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        return true;
    }

    private bool CheckToken(ReadOnlySpan<char> token, bool capitalized = false)
    {
        if (token.Length > WordList.MaxTokenLength)
        {
            return false;
        }

        var hasLetter = false;
        var hasOne = false;
        var hasSymbol = false;
        foreach (var c in token)
        {
            hasLetter |= char.IsLetter(c);
            hasOne |= c is '1' or '|';
            hasSymbol |= c is '1' or '%' || TextFolding.IsLeetSymbol(c);
        }

        // Numbers are not words ("1337", "555").
        if (!hasLetter && token.IndexOfAny('@', '$', '*') < 0)
        {
            return false;
        }

        Span<char> mapped = stackalloc char[token.Length];
        for (var k = 0; k < token.Length; k++)
        {
            mapped[k] = TextFolding.MapLeet(token[k]);
        }

        if (_words.Matches(mapped, capitalized))
        {
            return true;
        }

        // Symbols that stand for two letters: "@" for a or u ("f@ck"), "€" for e or c ("€unt"); and "ph" for f ("phuk").
        if (token.IndexOfAny('@', '€') >= 0 || token.StartsWith("ph"))
        {
            for (var k = 0; k < token.Length; k++)
            {
                mapped[k] = token[k] switch { '@' => 'u', '€' => 'c', _ => TextFolding.MapLeet(token[k]) };
            }

            if (_words.Matches(mapped) || (mapped.StartsWith("ph") && _words.Matches(string.Concat("f", mapped[2..]))))
            {
                return true;
            }
        }

        // Upside-down text ("ʞɔnɟ") is read turned back: each mark becomes its letter, right to left.
        if (token.IndexOfAny(TextFolding.UpsideDownMarks) >= 0)
        {
            for (var k = 0; k < token.Length; k++)
            {
                mapped[k] = TextFolding.TurnUpright(token[token.Length - 1 - k]);
            }

            if (_words.Matches(mapped))
            {
                return true;
            }
        }

        if (hasOne)
        {
            for (var k = 0; k < token.Length; k++)
            {
                mapped[k] = TextFolding.MapLeet(token[k], oneAsL: true);
            }

            if (_words.Matches(mapped))
            {
                return true;
            }
        }

        // "shyt", "bytch": y written for i inside a word.
        if (token.Length > 2 && token[1..^1].Contains('y'))
        {
            for (var k = 0; k < token.Length; k++)
            {
                mapped[k] = k > 0 && k < token.Length - 1 && token[k] == 'y' ? 'i' : TextFolding.MapLeet(token[k]);
            }

            if (_words.Matches(mapped))
            {
                return true;
            }
        }

        // "f!ck", "f%ck", "bu11sh1t": a symbol (or a 1, which may be i or l) can stand for any one letter. Tried against
        // the listed words only, not their misspellings, so "c@ts" does not become "cnts"; and the word needs two real
        // letters, so "100k" is a number, not "gook".
        if (!hasSymbol)
        {
            return false;
        }

        var letters = 0;
        for (var k = 0; k < token.Length; k++)
        {
            var symbol = TextFolding.IsLeetSymbol(token[k]) || token[k] is '1' or '%';
            letters += char.IsLetter(token[k]) ? 1 : 0;
            mapped[k] = symbol ? '*' : TextFolding.MapLeet(token[k]);
        }

        return letters >= 2 && _words.MatchesWildcard(mapped);
    }

    /// <summary>Moves <paramref name="i"/> past the next run of token characters; false when there is none left.</summary>
    private static bool NextToken(ReadOnlySpan<char> text, ref int i, out int start)
    {
        while (i < text.Length && !IsTokenChar(text[i]))
        {
            i++;
        }

        start = i;
        while (i < text.Length && IsTokenChar(text[i]))
        {
            i++;
        }

        return i > start;
    }

    private static bool IsTokenChar(char c) => char.IsLetterOrDigit(c) || TextFolding.IsLeetSymbol(c) || c == '%';

    // Exclamation marks and bars at the ends are punctuation ("fun!"), inside a word they are letters ("sh!t").
    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> token) => token.Trim("!|+");

    private static bool IsWordThenBangs(ReadOnlySpan<char> raw, ReadOnlySpan<char> token) =>
        raw.StartsWith(token) && raw[token.Length..].TrimStart('!').IsEmpty;
}
