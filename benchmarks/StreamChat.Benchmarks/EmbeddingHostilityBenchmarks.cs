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

        _mix = ModerationBenchmarks.RealisticMix(MixSize, new Random(42));
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
