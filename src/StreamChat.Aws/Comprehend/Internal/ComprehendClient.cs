using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using StreamChat.Aws.Internal;
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

    private readonly HttpClient _http;
    private readonly AwsRequestSigner _signer;
    private readonly Uri _endpoint;
    private readonly ResiliencePipeline _retry;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _billedUnits;
    private readonly Histogram<double> _duration;

    public ComprehendClient(IOptions<ComprehendModerationOptions> options, IServiceProvider services, IMeterFactory? meterFactory = null)
    {
        var value = options.Value;
        _signer = new AwsRequestSigner("comprehend", value.Region, value.CredentialsFactory?.Invoke(services), "ComprehendModerationOptions.Region");
        _endpoint = value.Endpoint ?? new Uri($"https://comprehend.{_signer.RegionName}.amazonaws.com/");
        var shared = services.GetKeyedService<HttpMessageHandler>(HandlerServiceKey);
        _http = new HttpClient(
            shared ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
            disposeHandler: shared is null)
        {
            // The moderator's own time-out (a linked token) bounds each message; this is only a backstop.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };

        _retry = value.MaxRetries == 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = value.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(40),
                MaxDelay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    ComprehendException e => IsTransient(e),
                    HttpRequestException => true,
                    _ => false,
                }),
            })
            .Build();

        // A factory's meter is shared by name and disposed by the factory; only a meter made here is ours to dispose.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create("StreamChat") ?? new Meter("StreamChat");
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
            return await _retry.ExecuteAsync(
                static async (state, ct) =>
                {
                    var (client, operation, body, responseInfo, characters) = state;
                    try
                    {
                        var result = await client.SendOnceAsync(operation, body, responseInfo, ct).ConfigureAwait(false);
                        client._requests.Add(1, new("operation", operation), new("outcome", "success"));
                        client._billedUnits.Add(BilledUnits(characters), new KeyValuePair<string, object?>("operation", operation));
                        return result;
                    }
                    catch (ComprehendException e)
                    {
                        client._requests.Add(1, new("operation", operation), new("outcome", IsThrottle(e.ErrorType, e.StatusCode) ? "throttled" : "error"));
                        throw;
                    }
                    catch (HttpRequestException)
                    {
                        client._requests.Add(1, new("operation", operation), new("outcome", "error"));
                        throw;
                    }
                },
                (this, operation, body, responseInfo, characters),
                cancellationToken).ConfigureAwait(false);
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

    private async Task<TResponse> SendOnceAsync<TResponse>(string operation, byte[] body, JsonTypeInfo<TResponse> responseInfo, CancellationToken cancellationToken)
    {
        using var request = _signer.Create(HttpMethod.Post, _endpoint, body, ContentType, TargetPrefix + operation);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (response.StatusCode == HttpStatusCode.OK)
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

            AwsError? error = null;
            try
            {
                error = await JsonSerializer.DeserializeAsync(stream, ComprehendJsonContext.Default.AwsError, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                // Not AWS's error shape (a proxy's page, say): the status alone tells what happened.
            }

            var type = ErrorType(error?.Type) ?? (response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? ErrorType(values.FirstOrDefault()) : null);
            throw new ComprehendException(operation, (int)response.StatusCode, type, error?.Message ?? error?.LowerMessage ?? response.ReasonPhrase ?? "no message");
        }
    }

    /// <summary><c>__type</c> may carry a <c>namespace#</c> prefix or a <c>:suffix</c>.</summary>
    internal static string? ErrorType(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        var hash = raw.LastIndexOf('#');
        var type = hash >= 0 ? raw[(hash + 1)..] : raw;
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? type[..colon] : type;
    }

    private static bool IsThrottle(string? type, int? status) =>
        status == 429 || type is "ThrottlingException" or "TooManyRequestsException" or "Throttling" or "LimitExceededException";

    private static bool IsTransient(ComprehendException e) =>
        IsThrottle(e.ErrorType, e.StatusCode) || e.StatusCode is null or 500 or 502 or 503 or 504;

    public void Dispose()
    {
        _http.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
