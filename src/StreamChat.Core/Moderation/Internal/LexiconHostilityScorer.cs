using System.Buffers;
using System.Globalization;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Scores hostility with word classes and short patterns over them (the embedded <c>hostility-en.txt</c>): the text is
/// folded, split into words, contractions expanded, each word looked up once (its id and the classes it is in), and
/// only the patterns whose first slot a word can start are tried there. No allocation for ordinary chat on .NET 9+.
/// </summary>
internal sealed class LexiconHostilityScorer : IHostilityScorer
{
    private const int Unknown = -1;
    private const int MaxStar = 4;
    private const int StackTokens = 128;

    /// <summary>The score of a message with a word of a hostile class but no pattern: unsure, for a remote moderator to judge.</summary>
    internal const double SensitiveWordScore = 0.45;

    private static readonly string[] SensitiveClasses = ["insult", "violent", "brutal", "die", "harm", "group", "groupadj", "hostile", "punish", "smell"];

    private static readonly Dictionary<string, string[]> Expansions = new(StringComparer.Ordinal)
    {
        ["youre"] = ["you", "are"], ["u"] = ["you"], ["ill"] = ["i", "will"], ["im"] = ["i", "am"], ["ive"] = ["i", "have"],
        ["gonna"] = ["going", "to"], ["gunna"] = ["going", "to"], ["wanna"] = ["want", "to"], ["youll"] = ["you", "will"],
        ["ull"] = ["you", "will"], ["youd"] = ["you", "would"], ["r"] = ["are"], ["dont"] = ["do", "not"], ["doesnt"] = ["does", "not"],
        ["isnt"] = ["is", "not"], ["arent"] = ["are", "not"], ["wont"] = ["will", "not"], ["cant"] = ["can", "not"],
        ["cannot"] = ["can", "not"], ["aint"] = ["is", "not"], ["urself"] = ["yourself"], ["whats"] = ["what", "is"],
        ["theyre"] = ["they", "are"], ["gotta"] = ["got", "to"], ["ima"] = ["i", "am", "going", "to"], ["imma"] = ["i", "am", "going", "to"],
        ["hes"] = ["he", "is"], ["shes"] = ["she", "is"], ["shouldnt"] = ["should", "not"], ["wouldnt"] = ["would", "not"], ["whos"] = ["who", "is"],
    };

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
#if NET9_0_OR_GREATER
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;
#endif
    private readonly List<ulong> _building = []; // the classes of each word id while the lexicon is read
    private readonly ulong[] _masks;             // the classes of each word id, read on the hot path
    private readonly int[]?[] _expansionOf;      // the word ids a contraction expands to, by word id
    private readonly Dictionary<string, int> _classes = new(StringComparer.Ordinal);
    private readonly List<Pattern>[] _byClass = new List<Pattern>[64];
    private readonly Dictionary<int, List<Pattern>> _byWord = [];
    private readonly ulong _gameMask;
    private readonly ulong _anchorMask;
    private readonly ulong _sensitiveMask;
    private readonly ulong _youMask;

    public LexiconHostilityScorer()
        : this(WordList.ReadEmbedded("hostility-en.txt"))
    {
    }

    internal LexiconHostilityScorer(IEnumerable<string> lines)
    {
        var patterns = new List<(string Line, Pattern Pattern)>();
        foreach (var line in lines)
        {
            if (line.StartsWith('='))
            {
                var parts = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var bit = _classes.Count;
                if (bit >= 64)
                {
                    throw new InvalidOperationException("The hostility lexicon has more than 64 word classes.");
                }

                _classes.Add(parts[0], bit);
                foreach (var word in parts.Skip(1))
                {
                    _building[Id(word)] |= 1UL << bit;
                }
            }
        }

        foreach (var line in lines)
        {
            if (!line.StartsWith('='))
            {
                patterns.Add((line, Parse(line)));
            }
        }

        var expansions = Expansions.Select(e => (Id(e.Key), e.Value.Select(Id).ToArray())).ToArray();
        _masks = [.. _building];
        _expansionOf = new int[]?[_masks.Length];
        foreach (var (contraction, parts) in expansions)
        {
            _expansionOf[contraction] = parts;
        }

        foreach (var (line, pattern) in patterns)
        {
            var first = pattern.Slots[0];
            if (first.Quantifier != Quantifier.One || first.Kind is SlotKind.Any or SlotKind.End)
            {
                throw new InvalidOperationException($"The hostility pattern '{line}' must start with a word or a plain class.");
            }

            if (first.Kind == SlotKind.Word)
            {
                if (!_byWord.TryGetValue(first.Value, out var list))
                {
                    _byWord[first.Value] = list = [];
                }

                list.Add(pattern);
            }
            else
            {
                (_byClass[first.Value] ??= []).Add(pattern);
            }
        }

        _gameMask = ClassMask("game");
        _anchorMask = ClassMask("anchor");
        _youMask = ClassMask("you") | ClassMask("person");
        foreach (var name in SensitiveClasses)
        {
            _sensitiveMask |= ClassMask(name);
        }
#if NET9_0_OR_GREATER
        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
    }

    private enum SlotKind
    {
        Word,
        Class,
        Any,
        End,
    }

    private enum Quantifier
    {
        One,
        Optional,
        Star,
    }

    /// <inheritdoc />
    public HostilityScore Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = System.Text.Ascii.IsValid(text) ? text : TextFolding.Fold(text);
        int[]? rented = null;
        var ids = folded.Length / 2 + 8 <= StackTokens ? stackalloc int[StackTokens] : (rented = ArrayPool<int>.Shared.Rent(folded.Length + 8));
        try
        {
            var count = Tokenize(folded, ids, out var messageMask);
            return count == 0 ? HostilityScore.None : Match(ids[..count], messageMask);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    private HostilityScore Match(ReadOnlySpan<int> ids, ulong messageMask)
    {
        var best = MatchPatterns(ids, messageMask);
        return best.Value == 0 && (messageMask & _sensitiveMask) != 0 ? new HostilityScore(SensitiveWordScore, "toxicity.words") : best;
    }

    private HostilityScore MatchPatterns(ReadOnlySpan<int> ids, ulong messageMask)
    {
        var best = HostilityScore.None;
        for (var position = 0; position < ids.Length; position++)
        {
            var id = ids[position];
            if (id == Unknown)
            {
                continue;
            }

            if (_byWord.TryGetValue(id, out var byWord))
            {
                best = Best(best, byWord, ids, position, messageMask);
            }

            var mask = _masks[id];
            while (mask != 0)
            {
                var bit = System.Numerics.BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                if (_byClass[bit] is { } byClass)
                {
                    best = Best(best, byClass, ids, position, messageMask);
                }
            }

            if (best.Value >= 1.0)
            {
                break;
            }
        }

        return best;
    }

    private HostilityScore Best(HostilityScore best, List<Pattern> patterns, ReadOnlySpan<int> ids, int position, ulong messageMask)
    {
        foreach (var pattern in patterns)
        {
            var highest = pattern.RaisedByAnchor && (messageMask & _anchorMask) != 0 ? 1.0 : pattern.Weight;
            if (highest <= best.Value)
            {
                continue;
            }

            if ((pattern.NeedsAddressee && (messageMask & _youMask) == 0) || !Matches(pattern.Slots, 0, ids, position))
            {
                continue;
            }

            var weight = pattern.RaisedByAnchor && (messageMask & _anchorMask) != 0 ? 1.0
                : pattern.VoidedByGame && (messageMask & _gameMask) != 0 ? 0.0
                : pattern.Weight;
            if (weight > best.Value)
            {
                best = new HostilityScore(weight, pattern.Rule);
            }
        }

        return best;
    }

    private bool Matches(Slot[] slots, int slot, ReadOnlySpan<int> ids, int position)
    {
        if (slot == slots.Length)
        {
            return true;
        }

        var current = slots[slot];
        switch (current.Quantifier)
        {
            case Quantifier.One when current.Kind == SlotKind.End:
                return position == ids.Length;
            case Quantifier.One:
                return position < ids.Length && Fits(current, ids[position]) && Matches(slots, slot + 1, ids, position + 1);
            case Quantifier.Optional:
                return (position < ids.Length && Fits(current, ids[position]) && Matches(slots, slot + 1, ids, position + 1))
                    || Matches(slots, slot + 1, ids, position);
            default:
                // Up to four, fewest first; backtracking lets a word that is both filler and insult be the insult.
                for (var taken = 0; taken <= MaxStar; taken++)
                {
                    if (Matches(slots, slot + 1, ids, position + taken))
                    {
                        return true;
                    }

                    if (position + taken >= ids.Length || !Fits(current, ids[position + taken]))
                    {
                        return false;
                    }
                }

                return false;
        }
    }

    private bool Fits(Slot slot, int id) => slot.Kind switch
    {
        SlotKind.Any => true,
        SlotKind.End => false,
        SlotKind.Word => id == slot.Value,
        _ => id != Unknown && (_masks[id] & (1UL << slot.Value)) != 0,
    };

    /// <summary>Splits folded text into word ids (unknown words as <see cref="Unknown"/>), contractions expanded; ORs their classes into <paramref name="messageMask"/>.</summary>
    private int Tokenize(string folded, Span<int> ids, out ulong messageMask)
    {
        messageMask = 0;
        Span<char> word = stackalloc char[32];
        var count = 0;
        var i = 0;
        while (i < folded.Length && count < ids.Length - 4)
        {
            var c = folded[i];
            if (!char.IsLetterOrDigit(c))
            {
                i++;
                continue;
            }

            var length = 0;
            var letters = false;
            while (i < folded.Length && (char.IsLetterOrDigit(folded[i]) || folded[i] is '\'' or '\u2019'))
            {
                var ch = folded[i++];
                if (ch is '\'' or '\u2019')
                {
                    continue;
                }

                letters |= char.IsLetter(ch);
                if (length < word.Length)
                {
                    word[length++] = char.ToLowerInvariant(ch);
                }
            }

            if (length == word.Length)
            {
                ids[count++] = Unknown;
                continue;
            }

            var token = word[..length];
            if (letters)
            {
                // Leetspeak inside a word ("k1ll", "di3"): digits read as the letters they stand for.
                for (var k = 0; k < token.Length; k++)
                {
                    token[k] = TextFolding.MapLeet(token[k]);
                }
            }

            var id = Lookup(token);
            if (id != Unknown && _expansionOf[id] is { } expansion)
            {
                foreach (var part in expansion)
                {
                    ids[count++] = part;
                    messageMask |= _masks[part];
                }

                continue;
            }

            ids[count++] = id;
            messageMask |= id == Unknown ? 0 : _masks[id];
        }

        return count;
    }

    private int Lookup(ReadOnlySpan<char> token)
    {
#if NET9_0_OR_GREATER
        return _idsBySpan.TryGetValue(token, out var id) ? id : Unknown;
#else
        return _ids.TryGetValue(token.ToString(), out var id) ? id : Unknown;
#endif
    }

    private int Id(string word)
    {
        if (!_ids.TryGetValue(word, out var id))
        {
            id = _ids.Count;
            _ids.Add(word, id);
            _building.Add(0);
        }

        return id;
    }

    private ulong ClassMask(string name) => _classes.TryGetValue(name, out var bit) ? 1UL << bit : 0;

    private Pattern Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
        {
            throw new InvalidOperationException($"The hostility pattern '{line}' is not WEIGHT RULE FLAGS PATTERN.");
        }

        var flags = parts[2] == "-" ? [] : parts[2].Split(',');
        var slots = parts.Skip(3).Select(part =>
        {
            if (part == "*")
            {
                return new Slot(SlotKind.Any, 0, Quantifier.One);
            }

            if (part == "$")
            {
                return new Slot(SlotKind.End, 0, Quantifier.One);
            }

            if (!part.StartsWith('@'))
            {
                return new Slot(SlotKind.Word, Id(part), Quantifier.One);
            }

            var quantifier = part.EndsWith('*') ? Quantifier.Star : part.EndsWith('?') ? Quantifier.Optional : Quantifier.One;
            var name = part[1..].TrimEnd('*', '?');
            return _classes.TryGetValue(name, out var bit)
                ? new Slot(SlotKind.Class, bit, quantifier)
                : throw new InvalidOperationException($"The hostility pattern '{line}' names the unknown class '{name}'.");
        }).ToArray();
        return new Pattern(weight, parts[1], slots, flags.Contains("game"), flags.Contains("anchor"), flags.Contains("you"));
    }

    private readonly record struct Slot(SlotKind Kind, int Value, Quantifier Quantifier);

    private sealed record Pattern(double Weight, string Rule, Slot[] Slots, bool VoidedByGame, bool RaisedByAnchor, bool NeedsAddressee);
}
