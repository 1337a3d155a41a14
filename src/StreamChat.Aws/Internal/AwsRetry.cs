using System.Net;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace StreamChat.Aws.Internal;

/// <summary>
/// The one retry policy of every AWS call StreamChat makes itself: exponential backoff with jitter (Polly), for the
/// outcomes AWS documents as worth retrying: throttling (429, or a throttling error type in the JSON body, as
/// Comprehend answers with 400), 5xx, time-outs and transport failures. The caller's cancellation is never retried.
/// </summary>
internal static class AwsRetry
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    /// <summary>Builds the policy for any outcome type; <paramref name="shouldRetry"/> says which outcomes are transient.</summary>
    public static ResiliencePipeline<T> Create<[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.All)] T>(int maxRetries, Func<RetryPredicateArguments<T>, ValueTask<bool>> shouldRetry, Func<OnRetryArguments<T>, ValueTask>? onRetry = null) =>
        maxRetries == 0 ? ResiliencePipeline<T>.Empty : new ResiliencePipelineBuilder<T>()
            .AddRetry(new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = BaseDelay,
                MaxDelay = MaxDelay,
                ShouldHandle = shouldRetry,
                OnRetry = onRetry,
            })
            .Build();

    /// <summary>The policy for signed HTTP calls; a response that is retried is disposed.</summary>
    public static ResiliencePipeline<HttpResponseMessage> ForHttp(int maxRetries) => Create<HttpResponseMessage>(
        maxRetries,
        static args => args.Outcome switch
        {
            { Exception: HttpRequestException or TimeoutException } => ValueTask.FromResult(true),
            { Exception: OperationCanceledException } => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested),
            { Result: { } response } => IsTransientAsync(response, args.Context.CancellationToken),
            _ => ValueTask.FromResult(false),
        },
        static args =>
        {
            args.Outcome.Result?.Dispose();
            return default;
        });

    public static async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError
        || (response.StatusCode == HttpStatusCode.BadRequest && IsThrottle(await ReadErrorTypeAsync(response, cancellationToken).ConfigureAwait(false)));

    public static bool IsThrottle(string? errorType) =>
        errorType is "ThrottlingException" or "TooManyRequestsException" or "Throttling" or "LimitExceededException" or "ProvisionedThroughputExceededException";

    /// <summary>
    /// The error type of an AWS JSON error response (<c>__type</c>, else the <c>x-amzn-ErrorType</c> header), without a
    /// <c>namespace#</c> prefix or <c>:suffix</c>. The body is buffered, so the caller can still read it.
    /// </summary>
    public static async ValueTask<string?> ReadErrorTypeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? raw = null;
        try
        {
            // Reading as bytes buffers the content, so it can be read again.
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("__type", out var type) && type.ValueKind == JsonValueKind.String)
                {
                    raw = type.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not AWS's error shape (a proxy's page, say): the header or the status alone tells what happened.
        }

        if (raw is null && response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
        {
            raw = values.FirstOrDefault();
        }

        return ErrorType(raw);
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
}
