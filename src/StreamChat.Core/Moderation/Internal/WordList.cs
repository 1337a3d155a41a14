using System.Reflection;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// A list of words matched whole, where any letter may be repeated (<c>fuuuck</c>) but a word's own
/// double letters must be there (<c>ass</c> does not match <c>as</c>). Entries ending in <c>*</c> are
/// stems that match every word starting with them.
/// </summary>
internal sealed class WordList
{
    public const int MaxTokenLength = 64;

    private readonly Dictionary<string, Entry[]> _exact;
#if NET9_0_OR_GREATER
    private readonly Dictionary<string, Entry[]>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
#endif
    private readonly Entry[] _stems;
    private readonly Dictionary<char, Entry[]> _stemsByFirst;
    private readonly TrieNode _trie;
    private readonly Entry[] _all;
    private readonly Entry[][] _wildcardByLength;
    private readonly Entry[] _wildcardStems;

    private WordList(IEnumerable<(string Word, bool IsVariant)> words)
    {
        var entries = new List<Entry>();
        Span<char> key = stackalloc char[MaxTokenLength];
        Span<byte> runs = stackalloc byte[MaxTokenLength];
        foreach (var (raw, isVariant) in words)
        {
            var word = raw.Trim().ToLowerInvariant();
            var isName = word.EndsWith('^');
            word = word.TrimEnd('^');
            var isStem = word.EndsWith('*');
            word = word.TrimEnd('*');
            if (word.Length is 0 or > MaxTokenLength)
            {
                continue;
            }

            var length = Collapse(word, key, runs);
            entries.Add(new Entry(entries.Count, word, key[..length].ToString(), runs[..length].ToArray(), isStem, isName, isVariant));
        }

        _all = [.. entries];
        _stems = [.. entries.Where(static e => e.IsStem)];
        _stemsByFirst = _stems.GroupBy(static e => e.Key[0]).ToDictionary(static g => g.Key, static g => g.ToArray());
        _trie = TrieNode.Build(entries);
        HasSingleLetters = entries.Exists(static e => e.Key.Length == 1);
        _wildcardStems = [.. entries.Where(static e => e.IsStem && !e.IsVariant)];
        _wildcardByLength = new Entry[MaxTokenLength + 1][];
        for (var length = 0; length <= MaxTokenLength; length++)
        {
            _wildcardByLength[length] = [.. entries.Where(e => !e.IsStem && !e.IsVariant && e.Word.Length == length)];
        }
        _exact = entries.Where(static e => !e.IsStem).GroupBy(static e => e.Key, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.ToArray(), StringComparer.Ordinal);
#if NET9_0_OR_GREATER
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
    }

    public int Count => _all.Length;

    /// <summary>Gets a value indicating whether any entry is one letter long (after collapsing repeats).</summary>
    public bool HasSingleLetters { get; }

    // Words one dropped letter away from a listed word that are English (tools/profanity-variants.py finds them in a
    // 275,000-word English list) or common elsewhere in chat (cuny, cnty, cuty, fing, ases, biches, and the Spanish-like
    // baner, bener); they stay allowed.
    private static readonly HashSet<string> DroppedLetterWords = new(StringComparer.Ordinal)
    {
        "ares", "batch", "biach", "botch", "chik", "chiks", "chins", "cuts", "dido", "douce", "dyes", "goos", "mining", "pais",
        "pick", "picks", "pusses", "sags", "sics", "site", "sits", "sitter", "sitters", "sitting", "tannies", "tats", "twas",
        "waker", "wakers", "waking", "waning", "wore",
        "cuny", "cnty", "cuty", "fing", "ases", "biches", "baner", "bener", "beners", "dumbss",
    };

    /// <summary>
    /// The misspellings with one inner letter dropped ("btch", "bich", "shthead", "wnker") of every plain word in
    /// <paramref name="words"/> of five letters or more; stems, names, letters doubled in the word and variants that
    /// are English words ("waking" from "wanking", "sitting" from "shitting") are left out.
    /// </summary>
    public static IEnumerable<string> DroppedLetterVariants(IReadOnlyCollection<string> words) =>
        Variants(words, DroppedLetterWords, static (word, i) => word[i] != word[i - 1] && word[i] != word[i + 1] ? string.Concat(word.AsSpan(0, i), word.AsSpan(i + 1)) : null);

    // Words two swapped letters away from a listed word of five letters or more that are English (the same list as above).
    private static readonly HashSet<string> SwappedLetterWords = new(StringComparer.Ordinal) { "paiks", "shist", "tawts" };

    /// <summary>
    /// The misspellings with two neighbouring letters swapped, the first letter kept ("bicth", "btich", "bithc",
    /// "bollcoks"), of every plain word in <paramref name="words"/> of five letters or more; stems, names and variants
    /// that are English words are left out, as for <see cref="DroppedLetterVariants"/>.
    /// </summary>
    public static IEnumerable<string> SwappedLetterVariants(IReadOnlyCollection<string> words) =>
        Variants(words, SwappedLetterWords, static (word, i) => word[i] != word[i + 1] ? string.Concat(word.AsSpan(0, i), [word[i + 1], word[i]], word.AsSpan(i + 2)) : null);

    /// <summary>
    /// For every plain listed word of five letters or more (no stem, no name), the variant <paramref name="make"/> gives at
    /// each inner position, unless it is listed itself or one of the <paramref name="english"/> words it must not block.
    /// </summary>
    private static IEnumerable<string> Variants(IReadOnlyCollection<string> words, HashSet<string> english, Func<string, int, string?> make)
    {
        var listed = new HashSet<string>(words.Select(static w => w.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        foreach (var word in listed)
        {
            if (word.Length < 5 || word.EndsWith('*') || word.EndsWith('^') || !word.All(char.IsAsciiLetterLower))
            {
                continue;
            }

            for (var i = 1; i < word.Length - 1; i++)
            {
                if (make(word, i) is { } variant && !listed.Contains(variant) && !english.Contains(variant))
                {
                    yield return variant;
                }
            }
        }
    }

    /// <summary>
    /// A list of <paramref name="words"/> and their misspelt <paramref name="variants"/>, less the <paramref name="allowed"/>
    /// ones. Variants match only as written: a wildcard (<c>f*ck</c>) is tried against the words themselves.
    /// </summary>
    public static WordList Create(IEnumerable<string> words, IEnumerable<string> allowed, IEnumerable<string>? variants = null)
    {
        var allowedSet = new HashSet<string>(allowed.Select(static w => w.Trim().ToLowerInvariant().TrimEnd('^', '*')), StringComparer.Ordinal);
        var all = words.Select(static w => (w, false)).Concat((variants ?? []).Select(static w => (w, true)));
        return new WordList(all.Where(w => !allowedSet.Contains(w.Item1.Trim().ToLowerInvariant().TrimEnd('^', '*'))));
    }

    /// <summary>
    /// The id (0 to <see cref="Count"/> - 1) of the listed plain word that <paramref name="token"/> spells, letters repeated or not, or -1.
    /// Stems and wildcards are not tried: this names a word, it does not judge one.
    /// </summary>
    public int Find(ReadOnlySpan<char> token)
    {
        if (token.IsEmpty || token.Length > MaxTokenLength)
        {
            return -1;
        }

        Span<char> key = stackalloc char[MaxTokenLength];
        Span<byte> runs = stackalloc byte[MaxTokenLength];
        var length = Collapse(token, key, runs);
#if NET9_0_OR_GREATER
        var found = _exactBySpan.TryGetValue(key[..length], out var entries);
#else
        var found = _exact.TryGetValue(key[..length].ToString(), out var entries);
#endif
        var best = -1;
        var bestLetters = 0;
        if (found)
        {
            // "off" covers both "of" and "off"; the word with the most letters it covers is the one written.
            foreach (var entry in entries!)
            {
                if (entry.Word.Length > bestLetters && RunsCover(runs[..length], entry.Runs))
                {
                    best = entry.Id;
                    bestLetters = entry.Word.Length;
                }
            }
        }

        return best;
    }

    /// <summary>Reads the built-in list embedded in this assembly.</summary>
    public static IEnumerable<string> ReadEmbedded(string name)
    {
        var assembly = typeof(WordList).Assembly;
        using var stream = assembly.GetManifestResourceStream("StreamChat.Core.Moderation." + name)
            ?? throw new InvalidOperationException($"The embedded resource '{name}' is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                words.Add(line);
            }
        }

        return words;
    }

    /// <summary>
    /// True when <paramref name="token"/> (lower case, leetspeak already mapped, <c>*</c> as a wildcard) is on the list.
    /// <paramref name="capitalized"/> says the word was written as a name (first letter alone upper case).
    /// </summary>
    public bool Matches(ReadOnlySpan<char> token, bool capitalized = false)
    {
        if (token.IsEmpty || token.Length > MaxTokenLength)
        {
            return false;
        }

        if (token.Contains('*'))
        {
            return MatchesWildcard(token) || MatchesWithoutStars(token);
        }

        Span<char> key = stackalloc char[MaxTokenLength];
        Span<byte> runs = stackalloc byte[MaxTokenLength];
        var length = Collapse(token, key, runs);
        key = key[..length];
        runs = runs[..length];

#if NET9_0_OR_GREATER
        var found = _exactBySpan.TryGetValue(key, out var entries);
#else
        var found = _exact.TryGetValue(key.ToString(), out var entries);
#endif
        if (found)
        {
            foreach (var entry in entries!)
            {
                if (!(capitalized && entry.IsName) && RunsCover(runs, entry.Runs))
                {
                    return true;
                }
            }
        }

        // Stems by first letter: every token (and, for spread-out letters, every stretch of them) comes here.
        if (!_stemsByFirst.TryGetValue(key[0], out var stems))
        {
            return false;
        }

        foreach (var stem in stems)
        {
            if (key.StartsWith(stem.Key) && RunsCover(runs[..stem.Runs.Length], stem.Runs))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Which stretches of spread-out letters starting at <paramref name="letters"/>[0] can be a listed word or
    /// misspelling, reading each character as every letter it may stand for ("4" as a, "y" as y or i, "1" as i or l, a
    /// masking symbol as any letter or none, at most two of those): bit <c>n - 1</c> is set when the stretch of
    /// <c>n</c> characters may be one. Only those are checked, so letters spread out one by one, tried from every
    /// position, cost work linear in the message (issue 19).
    /// </summary>
    public ulong JoinedMatches(ReadOnlySpan<char> letters, int maxLength)
    {
        maxLength = Math.Min(Math.Min(maxLength, letters.Length), 64);
        if (maxLength > 2 && letters[0] == 'p' && letters[1] == 'h')
        {
            // "ph" for f ("p h u k"): the stretch read with an f in place of the two letters is one shorter.
            Span<char> withF = stackalloc char[maxLength - 1];
            withF[0] = 'f';
            letters[2..maxLength].CopyTo(withF[1..]);
            return ReadJoined(letters, maxLength) | (ReadJoined(withF, maxLength - 1) << 1);
        }

        return ReadJoined(letters, maxLength);
    }

    private ulong ReadJoined(ReadOnlySpan<char> letters, int maxLength)
    {
        var all = maxLength == 64 ? ulong.MaxValue : (1UL << maxLength) - 1;
        var masks = 0;
        var matches = 0UL;
        var current = t_current ??= new List<(TrieNode Node, char Last)>(8);
        var next = t_next ??= new List<(TrieNode Node, char Last)>(8);
        current.Clear();
        current.Add((_trie, '\0'));
        for (var k = 0; k < maxLength; k++)
        {
            var c = letters[k];
            if (k > 0 && c == letters[k - 1] && c is not ('1' or '|' or '@' or '\u20ac' or 'y') && char.IsAsciiLetterLower(TextFolding.MapLeet(c)))
            {
                // A letter repeated ("f u u u c k"): every reading stays where it is, and so does whether it is a word.
                matches |= (matches >> (k - 1) & 1) << k;
                continue;
            }

            next.Clear();
            if (TextFolding.UpsideDownMarks.Contains(c))
            {
                return matches | (all & ~((1UL << k) - 1)); // read turned around: no prefix to follow
            }

            if (c is '%' or '*' or '#')
            {
                // A mask stands for any letter, or none; a stretch with three masks is not read as a word (its
                // readings multiply), so "f * c k" and "s * * t" are, and "* a * b * c" is not tried to its end.
                if (++masks > MaxMasks)
                {
                    return matches;
                }

                foreach (var (node, last) in current)
                {
                    Add(next, node, last); // the symbol masks the last letter again, or is dropped
                    foreach (var (letter, child) in node.Children)
                    {
                        if (letter != last)
                        {
                            Add(next, child, letter);
                        }
                    }
                }
            }
            else
            {
                var mapped = TextFolding.MapLeet(c);
                if (!char.IsAsciiLetterLower(mapped))
                {
                    return matches; // a character no listed word holds ("2", "6", a letter of another script)
                }

                foreach (var (node, last) in current)
                {
                    Step(next, node, last, mapped);
                    var other = c switch { '1' or '|' => 'l', '@' => 'u', '\u20ac' => 'c', 'y' when k > 0 => 'i', _ => '\0' };
                    if (other != '\0')
                    {
                        Step(next, node, last, other);
                    }
                }
            }

            if (next.Count == 0)
            {
                return matches;
            }

            if (next.Count > MaxReadings)
            {
                return matches | (all & ~((1UL << k) - 1));
            }

            // A stem ("fuck*") needs no more: the stretch that ends where the stem does is a match already.
            foreach (var (node, _) in next)
            {
                if (node.IsEnd)
                {
                    matches |= 1UL << k;
                    break;
                }
            }

            (current, next) = (next, current);
        }

        return matches;
    }

    // The readings followed by JoinedMatches, kept per thread: it runs for every position of spread-out letters.
    [ThreadStatic]
    private static List<(TrieNode Node, char Last)>? t_current;

    [ThreadStatic]
    private static List<(TrieNode Node, char Last)>? t_next;

    /// <summary>The most ways of reading a stretch followed at once before <see cref="JoinedMatches"/> stops pruning.</summary>
    private const int MaxReadings = 256;

    /// <summary>The most masking symbols (<c>* # %</c>) a stretch of spread-out letters is read through.</summary>
    private const int MaxMasks = 2;

    private static void Step(List<(TrieNode Node, char Last)> next, TrieNode node, char last, char letter)
    {
        if (letter == last)
        {
            Add(next, node, last); // a repeated letter ("f u u c k"): keys are run-length collapsed
        }
        else if (node.Children.TryGetValue(letter, out var child))
        {
            Add(next, child, letter);
        }
    }

    private static void Add(List<(TrieNode Node, char Last)> states, TrieNode node, char last)
    {
        foreach (var (n, l) in states)
        {
            if (ReferenceEquals(n, node) && l == last)
            {
                return;
            }
        }

        states.Add((node, last));
    }

    /// <summary>A trie over every entry's collapsed key.</summary>
    private sealed class TrieNode
    {
        public Dictionary<char, TrieNode> Children { get; } = [];

        /// <summary>Gets or sets a value indicating whether an entry's key ends here.</summary>
        public bool IsEnd { get; set; }

        public static TrieNode Build(IEnumerable<Entry> entries)
        {
            var root = new TrieNode();
            foreach (var entry in entries)
            {
                var node = root;
                foreach (var c in entry.Key)
                {
                    if (!node.Children.TryGetValue(c, out var child))
                    {
                        child = new TrieNode();
                        node.Children[c] = child;
                    }

                    node = child;
                }

                node.IsEnd = true;
            }

            return root;
        }
    }

    /// <summary>Run-length collapses <paramref name="word"/>: <c>fuuuck</c> gives key <c>fuck</c> and runs 1,3,1,1.</summary>
    private static int Collapse(ReadOnlySpan<char> word, Span<char> key, Span<byte> runs)
    {
        var length = 0;
        for (var i = 0; i < word.Length; i++)
        {
            if (length > 0 && key[length - 1] == word[i])
            {
                if (runs[length - 1] < byte.MaxValue)
                {
                    runs[length - 1]++;
                }

                continue;
            }

            key[length] = word[i];
            runs[length] = 1;
            length++;
        }

        return length;
    }

    private static bool RunsCover(ReadOnlySpan<byte> token, byte[] entry)
    {
        if (token.Length != entry.Length)
        {
            return false;
        }

        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] < entry[i])
            {
                return false;
            }
        }

        return true;
    }

    private bool MatchesWithoutStars(ReadOnlySpan<char> token)
    {
        Span<char> buffer = stackalloc char[MaxTokenLength];
        var length = 0;
        foreach (var c in token)
        {
            if (c != '*')
            {
                buffer[length++] = c;
            }
        }

        return length >= 2 && Matches(buffer[..length]);
    }

    /// <summary><c>f*ck</c>, <c>sh*t</c>: each star stands for one letter. Needs at least two real letters and no more stars than letters.</summary>
    public bool MatchesWildcard(ReadOnlySpan<char> token)
    {
        var stars = token.Count('*');
        var letters = token.Length - stars;
        if (letters < 2 || stars > letters)
        {
            return false;
        }

        // Listed words (not variants) of the token's length, or stems no longer than it; by first letter when it is known.
        var first = token[0] == '*' ? -1 : token[0];
        if (token.Length < _wildcardByLength.Length && MatchesAny(token, _wildcardByLength[token.Length], first))
        {
            return true;
        }

        return MatchesAny(token, _wildcardStems, first);
    }

    private static bool MatchesAny(ReadOnlySpan<char> token, Entry[] entries, int first)
    {
        foreach (var entry in entries)
        {
            var word = entry.Word;
            if ((first >= 0 && word[0] != first) || word.Length > token.Length)
            {
                continue;
            }

            var match = true;
            for (var i = 1; i < word.Length && match; i++)
            {
                match = token[i] == '*' || token[i] == word[i];
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Entry(int Id, string Word, string Key, byte[] Runs, bool IsStem, bool IsName, bool IsVariant);
}
