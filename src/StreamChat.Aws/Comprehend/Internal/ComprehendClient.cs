using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using StreamChat.Aws.Internal;
using StreamChat.Core.Diagnostics;

namespace StreamChat.Aws.Comprehend.Internal;

/// <summary>
/// Amazon Comprehend's JSON 1.1 protocol over <see cref="HttpClient"/>: <c>POST /</c> with
/// <c>X-Amz-Target: Comprehend_20171127.{Operation}</c>, signed with AWSSDK.Core's SigV4 signer for <c>comprehend</c>.
/// Throttles and 5xx are retried with jittered backoff; errors become <see cref="ComprehendException"/>.
/// </summary>
internal sealed class ComprehendClient : IDisposable
{
    /// <summary>The DI key of an optional <see cref="HttpMessageHandler"/> to send through.</summary>
    internal const string HandlerServiceKey = "StreamChat.Aws.Comprehend";

    private const string ContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "Comprehend_20171127.";

    private readonly SignedHttpClient _http;
    private readonly Uri _endpoint;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _billedUnits;
    private readonly Histogram<double> _duration;

    public ComprehendClient(IOptions<ComprehendModerationOptions> options, IServiceProvider services, IMeterFactory? meterFactory = null)
    {
        var value = options.Value;

        // The moderator's own time-out (a linked token) bounds each message, so an attempt has none of its own.
        _http = new SignedHttpClient(services, new SignedHttpClientSettings(
            "comprehend", value.Region, value.CredentialsFactory?.Invoke(services), "ComprehendModerationOptions.Region", HandlerServiceKey, Timeout.InfiniteTimeSpan, value.MaxRetries));
        _endpoint = value.Endpoint ?? new Uri($"https://comprehend.{_http.Signer.RegionName}.amazonaws.com/");

        // A factory's meter is shared by name and disposed by the factory; only a meter made here is ours to dispose.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(StreamChatMeter.Name) ?? new Meter(StreamChatMeter.Name);
        _requests = _meter.CreateCounter<long>("streamchat.comprehend.requests", "{request}", "Comprehend calls, by operation and outcome (every attempt).");
        _billedUnits = _meter.CreateCounter<long>("streamchat.comprehend.billed_units", "{unit}", "Comprehend units billed (100 characters, at least 3 per request), by operation.");
        _duration = _meter.CreateHistogram<double>("streamchat.comprehend.duration", "s", "Time of one Comprehend call, retries included, by operation.");
    }

    public Meter Meter => _meter;

    public Task<SentimentResponse> DetectSentimentAsync(string text, string language, CancellationToken cancellationToken) =>
        CallAsync("DetectSentiment", new TextRequest { Text = text, LanguageCode = language }, ComprehendJsonContext.Default.TextRequest, ComprehendJsonContext.Default.SentimentResponse, text.Length, cancellationToken);

    public Task<PiiEntitiesResponse> DetectPiiEntitiesAsync(string text, string language, CancellationToken cancellationToken) =>
        CallAsync("DetectPiiEntities", new TextRequest { Text = text, LanguageCode = language }, ComprehendJsonContext.Default.TextRequest, ComprehendJsonContext.Default.PiiEntitiesResponse, text.Length, cancellationToken);

    public Task<ToxicContentResponse> DetectToxicContentAsync(string[] segments, string language, CancellationToken cancellationToken)
    {
        var request = new ToxicContentRequest { TextSegments = Array.ConvertAll(segments, static s => new TextSegment { Text = s }), LanguageCode = language };
        return CallAsync("DetectToxicContent", request, ComprehendJsonContext.Default.ToxicContentRequest, ComprehendJsonContext.Default.ToxicContentResponse, segments.Sum(static s => s.Length), cancellationToken);
    }

    /// <summary>Units of 100 characters with a minimum of 3 per request (the published NLP and PII pricing rule).</summary>
    internal static int BilledUnits(int characters) => Math.Max(3, (characters + 99) / 100);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, int characters, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestInfo);
        var started = Stopwatch.GetTimestamp();
        var operationTag = new KeyValuePair<string, object?>("operation", operation);
        try
        {
            using var response = await _http.SendAsync(
                static (signer, s) => signer.Create(HttpMethod.Post, s.Endpoint, s.body, ContentType, TargetPrefix + s.operation),
                (Endpoint: _endpoint, body, operation),
                HttpCompletionOption.ResponseContentRead,
                async (attempt, ct) =>
                {
                    var outcome = attempt?.StatusCode == HttpStatusCode.OK ? "success"
                        : attempt is not null && (attempt.StatusCode == HttpStatusCode.TooManyRequests || AwsRetry.IsThrottle(await AwsRetry.ReadErrorTypeAsync(attempt, ct).ConfigureAwait(false))) ? "throttled"
                        : "error";
                    _requests.Add(1, new("operation", operation), new("outcome", outcome));
                    if (outcome == "success")
                    {
                        _billedUnits.Add(BilledUnits(characters), operationTag);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            return await ReadAsync(operation, response, responseInfo, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ComprehendException(operation, null, null, ex.Message, ex);
        }
        finally
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, operationTag);
        }
    }

    private static async Task<TResponse> ReadAsync<TResponse>(string operation, HttpResponseMessage response, JsonTypeInfo<TResponse> responseInfo, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var type = await AwsRetry.ReadErrorTypeAsync(response, cancellationToken).ConfigureAwait(false);
            AwsError? error = null;
            try
            {
                error = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), ComprehendJsonContext.Default.AwsError);
            }
            catch (JsonException)
            {
                // Not AWS's error shape: the status alone tells what happened.
            }

            throw new ComprehendException(operation, (int)response.StatusCode, type, error?.Message ?? error?.LowerMessage ?? response.ReasonPhrase ?? "no message");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync(stream, responseInfo, cancellationToken).ConfigureAwait(false)
                    ?? throw new ComprehendException(operation, 200, null, "The response body was empty.");
            }
            catch (JsonException ex)
            {
                throw new ComprehendException(operation, 200, null, "The response was not the documented JSON: " + ex.Message, ex);
            }
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
