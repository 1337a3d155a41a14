using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace StreamChat.Core.Identity.Internal;

/// <summary>
/// Unicode TR39 skeletons (section 4): NFD, each code point replaced by its confusable prototype, NFD again. Two
/// strings with the same skeleton look alike ("Аlice" with a Cyrillic А, "A1ice", "rn" and "m"). The mapping is
/// generated from ICU's data by tools/generate-confusables.py and loaded on first use (about 5,200 entries).
/// </summary>
internal static class Confusables
{
    private static readonly Lazy<FrozenDictionary<int, string>> Prototypes = new(Load);

    /// <summary>The TR39 skeleton of <paramref name="text"/>.</summary>
    public static string Skeleton(string text)
    {
        var map = Prototypes.Value;
        var decomposed = StreamChat.Core.Internal.WellFormedText.ForNormalization(text).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (map.TryGetValue(rune.Value, out var prototype))
            {
                builder.Append(prototype);
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return StreamChat.Core.Internal.WellFormedText.StreamSafe(builder.ToString()).Normalize(NormalizationForm.FormD);
    }

    /// <summary>
    /// The keys under which a display name collides with another: its skeleton lower-cased, and the skeleton of its
    /// lower-cased form. Case does not protect a name ("ALICE" is Alice), and lower-casing first would lose the
    /// capital I that stands in for l ("AIice"), so a name has two keys and two names collide when any keys match.
    /// </summary>
    public static (string First, string Second) NameKeys(string name) =>
        (Skeleton(name).ToLowerInvariant(), Skeleton(name.ToLowerInvariant()).ToLowerInvariant());

    /// <summary>Whether two display names look alike by <see cref="NameKeys"/>.</summary>
    public static bool AreConfusable((string First, string Second) a, (string First, string Second) b) =>
        a.First == b.First || a.First == b.Second || a.Second == b.First || a.Second == b.Second;

    private static FrozenDictionary<int, string> Load()
    {
        using var stream = typeof(Confusables).Assembly.GetManifestResourceStream("StreamChat.Core.Identity.confusables.txt")
            ?? throw new InvalidOperationException("The confusables table is missing from StreamChat.Core.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var map = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ');
            var builder = new StringBuilder();
            for (var i = 1; i < parts.Length; i++)
            {
                builder.Append(char.ConvertFromUtf32(int.Parse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            map[int.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] = builder.ToString();
        }

        return map.ToFrozenDictionary();
    }
}
