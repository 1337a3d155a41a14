using System.Text;
using Microsoft.Extensions.Options;
using StreamChat.Moderation.Onnx.Internal;

namespace StreamChat.Moderation.Onnx.Tests;

/// <summary>
/// The shipped classifier's neighbours are the labelled training lines and nothing else: every held-out line is far
/// from all of them (so the held-out scores measure text the classifier never saw), and every training line is among
/// them with its label unless it nearly copies a held-out line (tools/StreamChat.HostilityTraining leaves those out).
/// A corpus changed without running <c>--write</c> fails here.
/// </summary>
public sealed class ShippedClassifierTests
{
    /// <summary>The corpus's held-out list (held-out.txt), which tools/StreamChat.HostilityTraining reads too.</summary>
    private static readonly string[] HeldOut = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Corpus", "held-out.txt"))
        .Where(static l => l.Length > 0 && !l.StartsWith('#'))
        .ToArray();

    private const double Leak = 0.9;

    [Fact]
    public void TheNeighbours_AreTheTrainingLines_AndNoHeldOutLineIsNearOne()
    {
        var neighbours = HostilityClassifier.Load().Neighbours!;
        using var embedder = new MiniLmSentenceEmbedder(Options.Create(new EmbeddingHostilityOptions()));
        var held = Embed(embedder, Lines(HeldOut));
        var training = Embed(embedder, Lines(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.tsv")
            .Select(Path.GetFileName).OfType<string>().Where(f => !HeldOut.Contains(f)).ToArray()));

        // No held-out line is near a shipped line.
        foreach (var (text, _, vector) in held)
        {
            var nearest = Enumerable.Range(0, neighbours.Count).Max(i => Cosine(vector, neighbours.LineVector(i)));
            Assert.True(nearest < Leak, $"The held-out line \"{text}\" is at cosine {nearest:F3} to a shipped line.");
        }

        // Every training line that does not nearly copy a held-out line is shipped, with its label; nothing else is.
        var expected = training.Where(t => held.All(h => Cosine(t.Vector, h.Vector) < Leak)).ToList();
        Assert.Equal(expected.Count, neighbours.Count);
        var unmatched = Enumerable.Range(0, neighbours.Count).ToHashSet();
        foreach (var (text, hostile, vector) in expected)
        {
            var match = unmatched.Where(i => neighbours.IsHostile(i) == hostile && Cosine(vector, neighbours.LineVector(i)) > 0.9999).Take(1).ToList();
            Assert.True(match.Count == 1, $"The training line \"{text}\" ({(hostile ? "hostile" : "clean")}) is not among the shipped lines: run tools/StreamChat.HostilityTraining --write.");
            unmatched.Remove(match[0]);
        }
    }

    private static List<(string Text, bool Hostile)> Lines(string[] files) => files
        .SelectMany(f => File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Corpus", f), Encoding.UTF8))
        .Where(static l => l.Length > 0 && !l.StartsWith('#'))
        .Select(static l => l.Split('\t', 3))
        .Where(static p => p[0] == "allow" || p[1].StartsWith("toxicity", StringComparison.Ordinal))
        .Select(static p => (p[2], p[0] == "block"))
        .ToList();

    private static List<(string Text, bool Hostile, float[] Vector)> Embed(MiniLmSentenceEmbedder embedder, List<(string Text, bool Hostile)> lines) =>
        lines.Chunk(64)
            .SelectMany(chunk => chunk.Zip(embedder.Embed(chunk.Select(static l => l.Text).ToArray()), static (l, v) => (l.Text, l.Hostile, v)))
            .ToList();

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var dot = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }
}
