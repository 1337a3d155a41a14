using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Core.Moderation;

namespace StreamChat.Benchmarks;

/// <summary>
/// StreamChat.Moderation.Onnx's cost per message: the hostility score with the embedding scorer (word patterns, then the
/// model unless the patterns are certain or the text has no letter) on the realistic mix of ModerationBenchmarks, each
/// message a new string as it would be on a server (the scorer keeps a result per string). One operation is one message.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class EmbeddingHostilityBenchmarks
{
    private const int MixSize = 64;

    private IHostilityScorer _scorer = null!;
    private string[] _mix = [];

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStreamChatCore().AddSentenceEmbeddingHostility();
        _scorer = services.BuildServiceProvider().GetRequiredService<IHostilityScorer>();

        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "moderation-corpus.tsv"), Encoding.UTF8)
            .Where(static l => l.Length > 0 && !l.StartsWith('#'))
            .Select(static l => l.Split('\t', 3))
            .ToArray();
        var clean = rows.Where(static r => r[0] == "allow").Select(static r => r[2]).ToArray();
        var bad = rows.Where(static r => r[0] == "block").Select(static r => r[2]).ToArray();
        var random = new Random(42);
        _mix = Enumerable.Range(0, MixSize).Select(_ => random.NextDouble() < 0.85 ? clean[random.Next(clean.Length)] : bad[random.Next(bad.Length)]).ToArray();
        _scorer.Score("warm the model up");
    }

    [Benchmark(OperationsPerInvoke = MixSize, Description = "hostility score with the embedding scorer, realistic mix")]
    public double EmbeddingScorer()
    {
        var sum = 0.0;
        foreach (var text in _mix)
        {
            sum += _scorer.Score(new string(text.AsSpan())).Value;
        }

        return sum;
    }
}
