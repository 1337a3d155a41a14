using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Moderation;

namespace StreamChat.Benchmarks;

/// <summary>
/// The whole default local moderation pipeline (profanity, then spam, then personal data, then hostility, stopping at
/// the first block) on a realistic live-chat mix: 85% clean messages and 15% that a rule blocks, drawn
/// from the labelled corpus, sent by 1,000 different users. One operation is one message.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ModerationBenchmarks
{
    private const int MixSize = 4096;

    private IMessageModerator[] _moderators = [];
    private ModerationContext[] _mix = [];

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new NullBroadcaster());
        services.AddStreamChatCore();
        _moderators = services.BuildServiceProvider().GetServices<IMessageModerator>().ToArray();

        var random = new Random(42);
        _mix = RealisticMix(MixSize, random)
            .Select((text, i) => new ModerationContext(text, "stream-1", "user-" + random.Next(1000), "c-" + i, "m-" + i))
            .ToArray();
    }

    /// <summary><paramref name="size"/> texts from the labelled corpus: 85% clean, 15% that a rule blocks.</summary>
    internal static string[] RealisticMix(int size, Random random)
    {
        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "moderation-corpus.tsv"), Encoding.UTF8)
            .Where(static l => l.Length > 0 && !l.StartsWith('#'))
            .Select(static l => l.Split('\t', 3))
            .ToArray();
        var clean = rows.Where(static r => r[0] == "allow").Select(static r => r[2]).ToArray();
        var bad = rows.Where(static r => r[0] == "block").Select(static r => r[2]).ToArray();
        var mix = new string[size];
        for (var i = 0; i < size; i++)
        {
            mix[i] = random.NextDouble() < 0.85 ? clean[random.Next(clean.Length)] : bad[random.Next(bad.Length)];
        }

        return mix;
    }

    [Benchmark(OperationsPerInvoke = MixSize, Description = "local pipeline, realistic mix")]
    public int LocalPipeline()
    {
        var blocked = 0;
        foreach (var context in _mix)
        {
            foreach (var moderator in _moderators)
            {
                var result = moderator.ModerateAsync(context).GetAwaiter().GetResult();
                if (result.IsBlocked)
                {
                    blocked++;
                    break;
                }
            }
        }

        return blocked;
    }

    [Benchmark(OperationsPerInvoke = MixSize, Description = "profanity rule alone")]
    public int Profanity() => RunOne(0);

    [Benchmark(OperationsPerInvoke = MixSize, Description = "spam rules alone")]
    public int Spam() => RunOne(1);

    [Benchmark(OperationsPerInvoke = MixSize, Description = "personal-data rules alone")]
    public int Pii() => RunOne(2);

    [Benchmark(OperationsPerInvoke = MixSize, Description = "hostility rule alone")]
    public int Hostility() => RunOne(3);

    private int RunOne(int index)
    {
        var moderator = _moderators[index];
        var blocked = 0;
        foreach (var context in _mix)
        {
            if (moderator.ModerateAsync(context).GetAwaiter().GetResult().IsBlocked)
            {
                blocked++;
            }
        }

        return blocked;
    }

    private sealed class NullBroadcaster : IChatBroadcaster
    {
        public Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new BroadcastResult(0));

        public Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
            Task.FromResult(new BroadcastResult(0));
    }
}
