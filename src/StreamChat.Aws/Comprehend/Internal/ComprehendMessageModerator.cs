using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Moderation;
using StreamChat.Core.Protocol;

namespace StreamChat.Aws.Comprehend.Internal;

/// <summary>
/// Amazon Comprehend after the local rules: sentiment (NEGATIVE above the threshold), personal data and toxicity,
/// each switchable, called in parallel under one time-out. Verdicts for repeated text are cached for a short time.
/// A failure or time-out throws, and the pipeline applies the configured failure mode.
/// </summary>
internal sealed class ComprehendMessageModerator : IMessageModerator, IDisposable
{
    internal const int SentimentMaxBytes = 5_000;
    internal const int ToxicSegmentMaxBytes = 1_000;
    internal const int ToxicMaxSegments = 10;
    internal const int PiiMaxBytes = 100_000;

    private const string NegativeExplanation = "Your message was not sent because it reads as strongly negative. Please keep the chat friendly.";
    private const string ToxicExplanation = "Your message was not sent because it was judged abusive or harmful. Please keep the chat respectful.";
    private const string PiiBlockedExplanation = "Your message was not sent because it seems to contain personal information. Keep personal details out of public chat.";
    private const string PiiRedactedExplanation = "Your message was sent with personal information masked. Keep personal details out of public chat.";

    private readonly ComprehendClient _client;
    private readonly ComprehendModerationOptions _options;
    private readonly HashSet<string> _piiTypes;
    private readonly HashSet<string> _toxicLabels;
    private readonly MemoryCache? _cache;
    private readonly Counter<long> _cacheLookups;
    private readonly Counter<long> _skipped;
    private readonly IHostilityScorer _hostility;
    private readonly IUserTrust _trust;
    private readonly double _unsureFrom;

    public ComprehendMessageModerator(ComprehendClient client, IOptions<ComprehendModerationOptions> options, IHostilityScorer hostility, IUserTrust trust, IOptions<StreamChatOptions> chatOptions)
    {
        ArgumentNullException.ThrowIfNull(chatOptions);
        _client = client;
        _options = options.Value;
        _hostility = hostility;
        _trust = trust;
        _unsureFrom = chatOptions.Value.Moderation.Hostility.UnsureThreshold;
        _skipped = client.Meter.CreateCounter<long>("streamchat.comprehend.skipped", "{message}", "Messages the local rules settled, so Comprehend was not called.");
        _piiTypes = new HashSet<string>(_options.Pii.EntityTypes, StringComparer.Ordinal);
        _toxicLabels = new HashSet<string>(_options.Toxicity.Labels, StringComparer.Ordinal);
        _cache = _options.CacheDuration > TimeSpan.Zero ? new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.CacheSize }) : null;
        _cacheLookups = client.Meter.CreateCounter<long>("streamchat.comprehend.cache", "{lookup}", "Comprehend verdict cache lookups, by result (hit or miss).");
    }

    public async ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = context.Text;
        var plan = await PlanAsync(context, cancellationToken).ConfigureAwait(false);
        if (!plan.Any)
        {
            _skipped.Add(1);
            return ModerationResult.Allowed;
        }

        // The verdict depends on which calls were made, so the plan is part of the key.
        var key = _cache is null ? text : plan.Key + text;
        if (_cache is not null)
        {
            if (_cache.TryGetValue(key, out ModerationResult cached))
            {
                _cacheLookups.Add(1, new KeyValuePair<string, object?>("result", "hit"));
                return cached;
            }

            _cacheLookups.Add(1, new KeyValuePair<string, object?>("result", "miss"));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        ModerationResult verdict;
        try
        {
            verdict = await DecideAsync(text, plan, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Comprehend did not answer within {_options.Timeout.TotalMilliseconds:F0} ms.", ex);
        }

        _cache?.Set(key, verdict, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _options.CacheDuration });
        return verdict;
    }

    /// <summary>Which calls this message gets under <see cref="ComprehendModerationOptions.CallFor"/>.</summary>
    internal async ValueTask<CallPlan> PlanAsync(ModerationContext context, CancellationToken cancellationToken)
    {
        if (_options.CallFor == ComprehendCallPolicy.EveryMessage)
        {
            return new CallPlan(_options.Pii.Enabled, _options.Toxicity.Enabled, _options.Sentiment.Enabled);
        }

        // The local score first: it costs microseconds, the trust lookup may be a store round trip.
        var score = _options.Toxicity.Enabled || _options.Sentiment.Enabled ? _hostility.Score(context.Text).Value : -1;
        var judge = score >= _unsureFrom
            || (score >= _options.UntrustedFrom
                && await _trust.GetLevelAsync(context.StreamId, context.UserId, cancellationToken).ConfigureAwait(false) != UserTrustLevel.Trusted);
        var pii = _options.Pii.Enabled && MayHoldPersonalData(context.Text);
        return new CallPlan(pii, judge && _options.Toxicity.Enabled, judge && _options.Sentiment.Enabled);
    }

    /// <summary>Five digits or more, an "@", or a spelled "at" with a "dot": what the local personal-data rules may have missed.</summary>
    internal static bool MayHoldPersonalData(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && ++digits >= 5)
            {
                return true;
            }
        }

        return text.Contains('@', StringComparison.Ordinal)
            || (text.Contains(" at ", StringComparison.OrdinalIgnoreCase) && text.Contains("dot", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<ModerationResult> DecideAsync(string text, CallPlan plan, CancellationToken cancellationToken)
    {
        var language = _options.LanguageCode;
        var pii = plan.Pii ? _client.DetectPiiEntitiesAsync(Truncate(text, PiiMaxBytes), language, cancellationToken) : null;
        var toxic = plan.Toxicity ? _client.DetectToxicContentAsync(Segments(text), language, cancellationToken) : null;
        var sentiment = plan.Sentiment ? _client.DetectSentimentAsync(Truncate(text, SentimentMaxBytes), language, cancellationToken) : null;

        // All three are in flight together; one failure fails the message (and the failure mode decides).
        await Task.WhenAll(new Task?[] { pii, toxic, sentiment }.OfType<Task>()).ConfigureAwait(false);

        ModerationResult redaction = ModerationResult.Allowed;
        if (pii is not null)
        {
            var found = ((await pii.ConfigureAwait(false)).Entities ?? [])
                .Where(e => e.Type is not null && _piiTypes.Contains(e.Type) && e.Score >= _options.Pii.MinScore
                            && e.BeginOffset >= 0 && e.EndOffset > e.BeginOffset && e.EndOffset <= text.Length)
                .OrderBy(static e => e.BeginOffset)
                .ToList();
            if (found.Count > 0)
            {
                var rule = "comprehend.pii." + found[0].Type!.ToLowerInvariant();
                switch (_options.Pii.Action)
                {
                    case PiiAction.Block:
                        return ModerationResult.Block(BlockReason.Pii, rule, PiiBlockedExplanation);
                    case PiiAction.Redact:
                        redaction = ModerationResult.Redact(Redact(text, found), BlockReason.Pii, rule, PiiRedactedExplanation);
                        break;
                }
            }
        }

        if (toxic is not null)
        {
            foreach (var result in (await toxic.ConfigureAwait(false)).ResultList ?? [])
            {
                foreach (var label in result.Labels ?? [])
                {
                    if (label.Name is not null && _toxicLabels.Contains(label.Name) && label.Score >= _options.Toxicity.Threshold)
                    {
                        return ModerationResult.Block(BlockReason.Toxicity, "comprehend.toxicity." + label.Name.ToLowerInvariant(), ToxicExplanation);
                    }
                }
            }
        }

        if (sentiment is not null
            && await sentiment.ConfigureAwait(false) is { Sentiment: "NEGATIVE", SentimentScore: { } score }
            && score.Negative > _options.Sentiment.NegativeThreshold)
        {
            return ModerationResult.Block(BlockReason.NegativeSentiment, "comprehend.sentiment.negative", NegativeExplanation);
        }

        return redaction;
    }

    private static string Redact(string text, List<PiiEntity> found)
    {
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var entity in found)
        {
            if (entity.BeginOffset < position)
            {
                continue; // overlaps the previous entity, already masked
            }

            builder.Append(text, position, entity.BeginOffset - position).Append('[').Append(entity.Type!.ToLowerInvariant()).Append(']');
            position = entity.EndOffset;
        }

        return builder.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>The longest prefix of <paramref name="text"/> within <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    internal static string Truncate(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var end = PrefixLength(text, 0, maxBytes);
        return text[..end];
    }

    /// <summary>The text cut into at most 10 segments of at most 1 KB each (DetectToxicContent's limits), on character boundaries.</summary>
    internal static string[] Segments(string text)
    {
        // A chat line (at most 4 bytes a character) nearly always fits one segment: no walk needed.
        if (text.Length * 4 <= ToxicSegmentMaxBytes || Encoding.UTF8.GetByteCount(text) <= ToxicSegmentMaxBytes)
        {
            return [text];
        }

        var segments = new List<string>();
        var start = 0;
        while (start < text.Length && segments.Count < ToxicMaxSegments)
        {
            var length = PrefixLength(text, start, ToxicSegmentMaxBytes);
            segments.Add(text.Substring(start, length));
            start += length;
        }

        return [.. segments];
    }

    private static int PrefixLength(string text, int start, int maxBytes)
    {
        var bytes = 0;
        var index = start;
        while (index < text.Length)
        {
            var width = char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(index, width));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            index += width;
        }

        return index - start;
    }

    public void Dispose() => _cache?.Dispose();

    /// <summary>The Comprehend calls one message gets.</summary>
    internal readonly record struct CallPlan(bool Pii, bool Toxicity, bool Sentiment)
    {
        public bool Any => Pii || Toxicity || Sentiment;

        public int Count => (Pii ? 1 : 0) + (Toxicity ? 1 : 0) + (Sentiment ? 1 : 0);

        public string Key => (Pii ? "p" : "-") + (Toxicity ? "t" : "-") + (Sentiment ? "s:" : "-:");
    }
}
