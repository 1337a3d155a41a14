namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Profane phrases made of words that are harmless alone ("sod off", "what the f", "f you"), and single words that
/// are profane except next to certain words ("fu !kung !berlin": kung fu and FU Berlin pass). An entry is its words
/// separated by spaces, then the <c>!word</c>s that void it when they stand just before or just after it.
/// </summary>
/// <remarks>
/// Words are compared as <see cref="WordList"/> compares them (letters may be repeated: "sod offff"). A message is fed
/// token by token through a <see cref="Reader"/>, which keeps the last few word ids and never allocates. Callers first
/// ask <see cref="IsAnchor"/> of each token, so most messages never need that second pass.
/// </remarks>
internal sealed class PhraseList
{
    /// <summary>The most words one phrase may have.</summary>
    public const int MaxWords = 4;

    private readonly WordList _words;
    private readonly Phrase[][] _byLastWord;

    private readonly WordList _anchors;

    // Which (first, last) character pairs an anchor has, so most tokens are ruled out without a lookup.
    private readonly bool[] _anchorEnds = new bool[36 * 36];
    private readonly bool _everyTokenMayAnchor;

    // Words too common in chat to say a phrase may be there; a phrase's other words are its anchors.
    private static readonly HashSet<string> CommonWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "what", "who", "how", "why", "where", "when", "you", "u", "ur", "your", "me", "my", "i", "it", "is",
        "are", "was", "be", "this", "that", "them", "they", "he", "she", "we", "up", "out", "outta", "off", "on", "in", "of",
        "to", "and", "or", "so", "head", "face", "bag", "end", "hole",
    };

    private PhraseList(WordList words, Phrase[][] byLastWord, IReadOnlyCollection<string> anchors)
    {
        _words = words;
        _byLastWord = byLastWord;
        _anchors = WordList.Create(anchors, []);
        foreach (var anchor in anchors)
        {
            var ends = EndsIndex(anchor);
            if (ends < 0)
            {
                _everyTokenMayAnchor = true;
            }
            else
            {
                _anchorEnds[ends] = true;
            }
        }
    }

    /// <summary>True when <paramref name="line"/> is a phrase entry (more than one word, or exceptions) rather than a word.</summary>
    public static bool IsPhrase(string line) => line.AsSpan().Trim().IndexOfAny(' ', '\t') >= 0;

    /// <summary>Builds the list from phrase entries; entries equal to one of <paramref name="allowed"/> are left out.</summary>
    /// <exception cref="ArgumentException">An entry has no word, more than <see cref="MaxWords"/> words, or a word that is not one token.</exception>
    public static PhraseList Create(IEnumerable<string> entries, IEnumerable<string> allowed)
    {
        var allowedSet = new HashSet<string>(allowed.Select(Normalize), StringComparer.Ordinal);
        var parsed = new List<(string[] Words, string[] Not)>();
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry) || allowedSet.Contains(Normalize(entry)))
            {
                continue;
            }

            if (Problem(entry) is { } problem)
            {
                throw new ArgumentException(problem, nameof(entries));
            }

            parsed.Add(Parse(entry));
        }

        var distinct = parsed.SelectMany(static p => p.Words.Concat(p.Not)).Distinct(StringComparer.Ordinal).ToList();
        var vocabulary = WordList.Create(distinct, []);
        int Id(string w) => vocabulary.Find(w);

        var byLast = new List<Phrase>[vocabulary.Count];
        foreach (var (words, not) in parsed)
        {
            var phrase = new Phrase(words.Select(Id).ToArray(), not.Select(Id).ToArray());
            (byLast[phrase.Words[^1]] ??= []).Add(phrase);
        }

        // Each phrase's uncommon words (all of them when every word is common): a message holds the phrase only if it
        // holds one of them, so the word-by-word pass runs only then.
        var anchors = parsed.SelectMany(static p => p.Words.Any(w => !CommonWords.Contains(w)) ? p.Words.Where(w => !CommonWords.Contains(w)) : p.Words)
            .Distinct(StringComparer.Ordinal).ToList();
        return new PhraseList(vocabulary, byLast.Select(static l => l?.ToArray() ?? []).ToArray(), anchors);
    }

    /// <summary>
    /// True when <paramref name="token"/> (lower case, leetspeak not yet mapped) is one of the words that every phrase
    /// holding it needs, so the message is worth reading word by word with a <see cref="Reader"/>.
    /// </summary>
    public bool IsAnchor(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty || token.Length > WordList.MaxTokenLength)
        {
            return false;
        }

        if (!_everyTokenMayAnchor)
        {
            Span<char> ends = [TextFolding.MapLeet(token[0]), TextFolding.MapLeet(token[^1])];
            var index = EndsIndex(ends);
            if (index < 0 || !_anchorEnds[index])
            {
                return false;
            }
        }

        return Find(_anchors, token) >= 0;
    }

    // -1 when either end is not an ASCII lower-case letter or digit (an anchor in another script is looked up always).
    private static int EndsIndex(ReadOnlySpan<char> word)
    {
        static int Index(char c) => c is >= 'a' and <= 'z' ? c - 'a' : c is >= '0' and <= '9' ? 26 + c - '0' : -1;
        var first = Index(word[0]);
        var last = Index(word[^1]);
        return first < 0 || last < 0 ? -1 : (first * 36) + last;
    }

    /// <summary>The id in <paramref name="words"/> of <paramref name="token"/> with its leetspeak mapped, or -1.</summary>
    private static int Find(WordList words, ReadOnlySpan<char> token)
    {
        if (token.IsEmpty || token.Length > WordList.MaxTokenLength)
        {
            return -1;
        }

        Span<char> mapped = stackalloc char[token.Length];
        for (var k = 0; k < token.Length; k++)
        {
            mapped[k] = TextFolding.MapLeet(token[k]);
        }

        return words.Find(mapped);
    }

    /// <summary>Why <paramref name="entry"/> is not a valid phrase entry, or null when it is one.</summary>
    public static string? Problem(string entry)
    {
        var (words, _) = Parse(entry);
        return words.Length is 0 or > MaxWords || words.Any(static w => !w.All(char.IsLetterOrDigit))
            ? $"The phrase '{entry}' must be 1 to {MaxWords} words of letters or digits, then any '!word' exceptions."
            : null;
    }

    private static (string[] Words, string[] Not) Parse(string entry)
    {
        var parts = entry.Trim().ToLowerInvariant().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return (parts.Where(static p => p[0] != '!').ToArray(), parts.Where(static p => p[0] == '!' && p.Length > 1).Select(static p => p[1..]).ToArray());
    }

    private static string Normalize(string entry) => string.Join(' ', entry.Trim().ToLowerInvariant().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Reads one message's tokens in order and says when a phrase has been seen.</summary>
    public struct Reader
    {
        private readonly PhraseList _list;
        private int _recent0;
        private int _recent1;
        private int _recent2;
        private int _recent3;
        private int _before;
        private Phrase? _pending;

        /// <summary>Starts reading a message against <paramref name="list"/>.</summary>
        public Reader(PhraseList list)
        {
            _list = list;
            _recent0 = _recent1 = _recent2 = _recent3 = _before = -1;
        }

        /// <summary>
        /// Feeds the next token (lower case, leetspeak not yet mapped); true when a phrase is complete. A phrase with
        /// exceptions completes only once the token after it (or the end) shows it is not voided.
        /// </summary>
        public bool Next(ReadOnlySpan<char> token)
        {
            var id = Find(_list._words, token);
            if (_pending is { } pending)
            {
                _pending = null;
                if (id < 0 || Array.IndexOf(pending.Not, id) < 0)
                {
                    return true;
                }
            }

            _before = _recent3;
            _recent3 = _recent2;
            _recent2 = _recent1;
            _recent1 = _recent0;
            _recent0 = id;
            if (id < 0)
            {
                return false;
            }

            foreach (var phrase in _list._byLastWord[id])
            {
                if (!EndsHere(phrase))
                {
                    continue;
                }

                var before = phrase.Words.Length switch { 1 => _recent1, 2 => _recent2, 3 => _recent3, _ => _before };
                if (before >= 0 && Array.IndexOf(phrase.Not, before) >= 0)
                {
                    continue;
                }

                if (phrase.Not.Length == 0)
                {
                    return true;
                }

                _pending = phrase;
            }

            return false;
        }

        /// <summary>Ends the message; true when a phrase waiting for the token after it was the last thing in it.</summary>
        public readonly bool End() => _pending is not null;

        private readonly bool EndsHere(Phrase phrase)
        {
            var words = phrase.Words;
            for (var k = 0; k < words.Length; k++)
            {
                var recent = k switch { 0 => _recent0, 1 => _recent1, 2 => _recent2, _ => _recent3 };
                if (recent != words[words.Length - 1 - k])
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed record Phrase(int[] Words, int[] Not);
}
