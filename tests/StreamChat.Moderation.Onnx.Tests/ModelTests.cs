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
    public void LongText_IsCutBeforeTheModel_NeverInsideAPair()
    {
        Assert.Equal(10, MiniLmSentenceEmbedder.Prepare(new string('A', 50), 10).Length);
        var prepared = MiniLmSentenceEmbedder.Prepare(new string('a', 9) + "😀", 10);
        Assert.Equal(new string('a', 9), prepared);
        Assert.Equal("ｆｕｌｌ".Normalize(NormalizationForm.FormKC).ToLowerInvariant(), MiniLmSentenceEmbedder.Prepare("ＦＵＬＬ", 10));
        Assert.Single(Embedder.Value.Embed([new string('x', 5_000)]));
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
