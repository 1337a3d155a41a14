using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using StreamChat.Core.Diagnostics;
using StreamChat.Core.Moderation;
using StreamChat.Moderation.Onnx.Internal;

namespace StreamChat.Moderation.Onnx.Tests;

/// <summary>The scorer with a stand-in embedder: which score wins, when the model runs, and how often.</summary>
public sealed class EmbeddingHostilityScorerTests
{
    // A one-value "embedding": the head reads its first value as the log-odds of hostility.
    private static readonly HostilityClassifier Head = new(new HostilityHead(0f, [1f]), null);

    private static (EmbeddingHostilityScorer Scorer, FakeEmbedder Embedder, IHostilityScorer Patterns) Create(double modelLogOdds, HostilityScore patterns, bool enabled = true)
    {
        var embedder = new FakeEmbedder(1, (float)modelLogOdds);
        var inner = Substitute.For<IHostilityScorer>();
        inner.Score(Arg.Any<string>()).Returns(patterns);
        var options = Substitute.For<IOptionsMonitor<EmbeddingHostilityOptions>>();
        options.CurrentValue.Returns(new EmbeddingHostilityOptions { Enabled = enabled });
        return (new EmbeddingHostilityScorer(inner, embedder, Head, options, new HostilityOptions()), embedder, inner);
    }

    [Fact]
    public void TheModelsProbability_CountsWhenItIsHigherThanThePatterns()
    {
        // Probability 0.953, above the block probability (0.8): at least the block threshold (0.8).
        var (scorer, _, _) = Create(modelLogOdds: 3, HostilityScore.None);
        var score = scorer.Score("you are a waste of oxygen");
        Assert.Equal(0.8 + (0.2 * ((1 / (1 + Math.Exp(-3))) - 0.8) / 0.2), score.Value, 6);
        Assert.Equal("toxicity.model", score.Rule);

        // Probability 0.73: unsure (between the unsure probability 0.5 and the block probability 0.8).
        (scorer, _, _) = Create(modelLogOdds: 1, HostilityScore.None);
        Assert.InRange(scorer.Score("you are a waste of oxygen").Value, 0.5, 0.7999);
    }

    [Fact]
    public void ThePatterns_CountWhenTheyAreHigher()
    {
        var (scorer, _, _) = Create(modelLogOdds: -3, new HostilityScore(0.5, "toxicity.insult"));
        Assert.Equal(new HostilityScore(0.5, "toxicity.insult"), scorer.Score("you're trash"));
    }

    [Fact]
    public void APatternThatIsCertain_IsNotSecondGuessed_AndTheModelDoesNotRun()
    {
        var (scorer, embedder, _) = Create(modelLogOdds: 5, new HostilityScore(1.0, "toxicity.threat"));
        Assert.Equal(new HostilityScore(1.0, "toxicity.threat"), scorer.Score("i will find you"));
        Assert.Equal(0, embedder.Calls);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345 678")]
    [InlineData("🔥🔥🔥 <3 !!!")]
    public void TextWithoutALetter_IsNotReadByTheModel(string text)
    {
        var (scorer, embedder, _) = Create(modelLogOdds: 5, HostilityScore.None);
        Assert.Equal(HostilityScore.None, scorer.Score(text));
        Assert.Equal(0, embedder.Calls);
    }

    [Fact]
    public void Disabled_ThePatternsAloneScore()
    {
        var (scorer, embedder, _) = Create(modelLogOdds: 5, HostilityScore.None, enabled: false);
        Assert.Equal(HostilityScore.None, scorer.Score("you are a waste of oxygen"));
        Assert.Equal(0, embedder.Calls);
    }

    [Fact]
    public void OneMessage_IsEmbeddedOnce_HoweverManyModeratorsScoreIt_ButEachNewMessageIsEmbedded()
    {
        var (scorer, embedder, _) = Create(modelLogOdds: 1, HostilityScore.None);
        var text = "you are a waste of oxygen";
        for (var i = 0; i < 3; i++)
        {
            scorer.Score(text);
        }

        Assert.Equal(1, embedder.Calls);
        scorer.Score(new string(text.AsSpan())); // equal text, another message
        Assert.Equal(2, embedder.Calls);
    }

    [Fact]
    public void EveryMessageTheModelReads_IsTimedOnTheStreamChatMeter()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricCollector<double>(meters, StreamChatMeter.Name, "streamchat.moderation.embedding.duration");
        var embedder = new FakeEmbedder(1, 0f);
        var options = Substitute.For<IOptionsMonitor<EmbeddingHostilityOptions>>();
        options.CurrentValue.Returns(new EmbeddingHostilityOptions());
        using var scorer = new EmbeddingHostilityScorer(Substitute.For<IHostilityScorer>(), embedder, Head, options, new HostilityOptions(), meters);

        scorer.Score("hello there");
        scorer.Score("123");
        Assert.Single(collector.GetMeasurementSnapshot());
    }

    [Fact]
    public void AHeadForAnotherEmbedding_IsRefusedAtConstruction()
    {
        var embedder = new FakeEmbedder(384, 0f);
        var error = Assert.Throws<InvalidOperationException>(() => new EmbeddingHostilityScorer(
            Substitute.For<IHostilityScorer>(), embedder, Head, Substitute.For<IOptionsMonitor<EmbeddingHostilityOptions>>(), new HostilityOptions()));
        Assert.Contains("384", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.25, 0.24975)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.9, 0.8)]
    [InlineData(1.0, 1.0)]
    public void TheProbability_IsPlacedOnTheScoreScale_UnsureAndBlockWhereTheOptionsSay(double probability, double expected) =>
        Assert.Equal(expected, EmbeddingHostilityScorer.OnScoreScale(probability, 0.5, 0.9, 0.5, 0.8), 6);

    [Fact]
    public void TheScoreScale_RisesWithTheProbability_AndCrossesEachThresholdAtItsProbability()
    {
        var previous = -1.0;
        for (var p = 0.0; p <= 1.0; p += 0.001)
        {
            var score = EmbeddingHostilityScorer.OnScoreScale(p, 0.4, 0.95, 0.5, 0.8);
            Assert.True(score >= previous, $"The score fell at {p}.");
            Assert.Equal(p >= 0.4, score >= 0.5);
            Assert.Equal(p >= 0.95, score >= 0.8);
            previous = score;
        }
    }

    /// <summary>Every text embeds to <paramref name="dimensions"/> copies of <paramref name="value"/>; counts the calls.</summary>
    private sealed class FakeEmbedder(int dimensions, float value) : ISentenceEmbedder
    {
        public int Calls { get; private set; }

        public int Dimensions => dimensions;

        public float[][] Embed(IReadOnlyList<string> texts)
        {
            Calls++;
            return texts.Select(_ => Enumerable.Repeat(value, dimensions).ToArray()).ToArray();
        }
    }
}
