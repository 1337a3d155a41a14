using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StreamChat.Core.Diagnostics;
using StreamChat.Core.Moderation;

namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>
/// Raises the score of the scorer it wraps (the word patterns) to the embedding model's probability when that is
/// higher: a message the patterns do not know but the model finds hostile is blocked or, below the block threshold,
/// unsure (a remote moderator is asked). The model runs once per message: the pipeline's moderators and the Comprehend
/// call plan score the same string, and the result is kept beside that string for as long as it lives.
/// </summary>
internal sealed class EmbeddingHostilityScorer : IHostilityScorer, IDisposable
{
    /// <summary>The rule of a score that came from the model.</summary>
    internal const string Rule = "toxicity.model";

    private readonly IHostilityScorer _inner;
    private readonly ISentenceEmbedder _embedder;
    private readonly HostilityClassifier _classifier;
    private readonly IOptionsMonitor<EmbeddingHostilityOptions> _options;
    private readonly HostilityOptions _thresholds;
    private readonly ConditionalWeakTable<string, StrongBox<double>> _scored = new();
    private readonly ConditionalWeakTable<string, StrongBox<double>>.CreateValueCallback _scoreWithModel;
    private readonly Meter? _ownMeter;
    private readonly Histogram<double> _duration;

    public EmbeddingHostilityScorer(IHostilityScorer inner, ISentenceEmbedder embedder, HostilityClassifier classifier, IOptionsMonitor<EmbeddingHostilityOptions> options, HostilityOptions thresholds, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (classifier.Dimensions != embedder.Dimensions)
        {
            throw new InvalidOperationException($"The hostility classifier reads {classifier.Dimensions} values; the embedder gives {embedder.Dimensions}.");
        }

        _inner = inner;
        _embedder = embedder;
        _classifier = classifier;
        _options = options;
        _thresholds = thresholds;
        _scoreWithModel = ScoreWithModel; // one delegate, not one per message

        // A factory's meter is shared by name and disposed by the factory; only a meter made here is ours to dispose.
        var meter = meterFactory?.Create(StreamChatMeter.Name);
        _ownMeter = meter is null ? new Meter(StreamChatMeter.Name) : null;
        _duration = (meter ?? _ownMeter!).CreateHistogram<double>("streamchat.moderation.embedding.duration", "s", "Time to embed and score one message with the hostility model.");
    }

    /// <inheritdoc />
    public HostilityScore Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var patterns = _inner.Score(text);
        var options = _options.CurrentValue;
        if (!options.Enabled || patterns.Value >= 1 || !HasLetter(text))
        {
            return patterns;
        }

        var probability = _scored.GetValue(text, _scoreWithModel).Value;
        var score = OnScoreScale(probability, options.UnsureProbability, options.BlockProbability, _thresholds.UnsureThreshold, _thresholds.BlockThreshold);
        return score > patterns.Value ? new HostilityScore(score, Rule) : patterns;
    }

    /// <summary>
    /// The model's probability on the hostility score's scale, piecewise linear and rising: below the unsure
    /// probability it stays below the unsure threshold, from there to the block probability it runs from the unsure to
    /// just below the block threshold, and from the block probability on it is at least the block threshold.
    /// </summary>
    internal static double OnScoreScale(double probability, double unsureProbability, double blockProbability, double unsureThreshold, double blockThreshold)
    {
        if (probability >= blockProbability)
        {
            return blockThreshold + ((1 - blockThreshold) * (probability - blockProbability) / Math.Max(1e-9, 1 - blockProbability));
        }

        if (probability >= unsureProbability)
        {
            var span = Math.Max(0, blockThreshold - unsureThreshold) * 0.999;
            return unsureThreshold + (span * (probability - unsureProbability) / (blockProbability - unsureProbability));
        }

        return unsureThreshold * 0.999 * probability / Math.Max(1e-9, unsureProbability);
    }

    private StrongBox<double> ScoreWithModel(string text)
    {
        var started = Stopwatch.GetTimestamp();
        var vector = _embedder.Embed([text])[0];
        var probability = _classifier.Probability(vector);
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return new StrongBox<double>(probability);
    }

    /// <summary>Emotes, numbers and symbols alone are not read by the model: nothing in them is a sentence.</summary>
    private static bool HasLetter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose() => _ownMeter?.Dispose();
}
