using System.Net;
using System.Net.Http.Headers;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace StreamChat.Aws.ApiGateway.Internal;

/// <summary>What happened to one post.</summary>
internal enum PostOutcome
{
    Delivered,
    Gone,
    Failed,
}

/// <summary>
/// The API Gateway Management API over <see cref="HttpClient"/>: PostToConnection and DeleteConnection,
/// signed with AWSSDK.Core's SigV4 signer for service <c>execute-api</c>. 429, 5xx, time-outs and transport
/// errors are retried with exponential backoff and jitter (Polly); each attempt is a new, freshly signed request.
/// </summary>
internal sealed class ApiGatewayManagementClient : IDisposable
{
    private const string JsonType = "application/json";

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly string _basePath;
    private readonly AWSCredentials _credentials;
    private readonly RegionEndpoint _region;

    public ApiGatewayManagementClient(IOptions<ApiGatewayBroadcasterOptions> options, IServiceProvider services)
    {
        var value = options.Value;
        var endpoint = value.Endpoint ?? throw new InvalidOperationException("ApiGatewayBroadcasterOptions.Endpoint is required.");
        var region = value.Region is { Length: > 0 } name
            ? RegionEndpoint.GetBySystemName(name)
            : FallbackRegionFactory.GetRegionEndpoint() ?? throw new InvalidOperationException(
                "No region for signing API Gateway requests: set ApiGatewayBroadcasterOptions.Region or the AWS_REGION environment variable.");
        _credentials = value.CredentialsFactory?.Invoke(services) ?? DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
        _region = region;

        // Redirects are never followed: a signed request must go exactly where it was signed for.
        // HttpClient's own time-out bounds each attempt (a timed-out attempt is retried like a 5xx).
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = value.RequestTimeout,
        };
        _basePath = endpoint.ToString().TrimEnd('/') + "/@connections/";

        _retry = value.MaxRetries == 0 ? ResiliencePipeline<HttpResponseMessage>.Empty : new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = value.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromSeconds(2),
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutException } => true,
                    { Exception: OperationCanceledException } => !args.Context.CancellationToken.IsCancellationRequested,
                    { Result.StatusCode: HttpStatusCode.TooManyRequests } => true,
                    { Result.StatusCode: >= HttpStatusCode.InternalServerError } => true,
                    _ => false,
                }),
                OnRetry = static args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    /// <summary>PostToConnection: delivers <paramref name="frame"/>, reports 410 Gone as gone, anything else left after retries as failed.</summary>
    public async Task<(PostOutcome Outcome, HttpStatusCode? Status)> PostAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var uri = new Uri(_basePath + Uri.EscapeDataString(connectionId));
        try
        {
            using var response = await _retry.ExecuteAsync(
                static async (state, ct) =>
                {
                    using var request = state.client.Sign(HttpMethod.Post, state.uri, state.frame);
                    return await state.client._http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                },
                (client: this, uri, frame),
                cancellationToken).ConfigureAwait(false);
            return response.StatusCode switch
            {
                HttpStatusCode.OK or HttpStatusCode.NoContent => (PostOutcome.Delivered, response.StatusCode),
                HttpStatusCode.Gone => (PostOutcome.Gone, response.StatusCode),
                _ => (PostOutcome.Failed, response.StatusCode),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (PostOutcome.Failed, null);
        }
    }

    /// <summary>DeleteConnection: closes the client's socket from the server side. An unknown connection (410) counts as done.</summary>
    public async Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken)
    {
        var uri = new Uri(_basePath + Uri.EscapeDataString(connectionId));
        using var response = await _retry.ExecuteAsync(
            static async (state, ct) =>
            {
                using var request = state.client.Sign(HttpMethod.Delete, state.uri, ReadOnlyMemory<byte>.Empty);
                return await state.client._http.SendAsync(request, ct).ConfigureAwait(false);
            },
            (client: this, uri),
            cancellationToken).ConfigureAwait(false);
        return response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.Gone;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// A new request signed for <c>execute-api</c> with AWSSDK.Core's SigV4 signer (the facade: a fraction of the
    /// cost of its signing handler), so every attempt carries a fresh date and signature. The headers signed are
    /// exactly the headers sent: host, content-type (no charset), x-amz-date, x-amz-content-sha256 and, with
    /// session credentials, x-amz-security-token.
    /// </summary>
    private HttpRequestMessage Sign(HttpMethod method, Uri uri, ReadOnlyMemory<byte> body)
    {
        var signing = new AWSSigningRequest { HttpMethod = method, RequestUri = uri };
        if (!body.IsEmpty)
        {
            signing.Content = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : body.ToArray();
            signing.Headers["Content-Type"] = JsonType;
        }

        var result = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters { Credentials = _credentials, Region = _region, Service = "execute-api" });
        var request = new HttpRequestMessage(method, uri);
        if (!body.IsEmpty)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            // A header value object of its own: they are mutable, so requests never share one.
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonType);
        }

        foreach (var header in result.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return request;
    }
}
