using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using StreamChat.Aws.Internal;

namespace StreamChat.Aws.ApiGateway.Internal;

/// <summary>What happened to one post.</summary>
internal enum PostOutcome
{
    Delivered,
    Gone,
    Failed,
}

/// <summary>
/// The API Gateway Management API over <see cref="HttpClient"/>: PostToConnection, signed with AWSSDK.Core's SigV4 signer for service <c>execute-api</c>. 429, 5xx, time-outs and transport
/// errors are retried with exponential backoff and jitter (Polly); each attempt is a new, freshly signed request.
/// </summary>
internal sealed class ApiGatewayManagementClient : IDisposable
{
    /// <summary>The DI key of an optional <see cref="HttpMessageHandler"/> to send through (tests route to a stand-in).</summary>
    internal const string HandlerServiceKey = "StreamChat.Aws.ApiGatewayManagement";

    private const string JsonType = "application/json";

    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly string? _configuredBasePath;
    private readonly AwsRequestSigner _signer;

    public ApiGatewayManagementClient(IOptions<ApiGatewayBroadcasterOptions> options, IServiceProvider services)
    {
        var value = options.Value;
        _signer = new AwsRequestSigner("execute-api", value.Region, value.CredentialsFactory?.Invoke(services), "ApiGatewayBroadcasterOptions.Region");

        // Redirects are never followed: a signed request must go exactly where it was signed for.
        // HttpClient's own time-out bounds each attempt (a timed-out attempt is retried like a 5xx).
        var shared = services.GetKeyedService<HttpMessageHandler>(HandlerServiceKey);
        _http = new HttpClient(
            shared ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
            disposeHandler: shared is null)
        {
            Timeout = value.RequestTimeout,
        };
        _configuredBasePath = value.Endpoint is { } endpoint ? BasePath(endpoint) : null;

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

    /// <summary>
    /// The @connections base path in use: the configured endpoint (custom domains), otherwise the one the
    /// current Lambda invocation came through (its domain name and stage).
    /// </summary>
    private string CurrentBasePath => _configuredBasePath
        ?? ApiGatewayEndpointScope.Current
        ?? throw new InvalidOperationException(
            "No API Gateway Management API endpoint: set ApiGatewayBroadcasterOptions.Endpoint (StreamChatApiGateway:Endpoint), " +
            "or broadcast from inside a StreamChat Lambda invocation, which takes it from the event's domain name and stage.");

    internal static string BasePath(Uri endpoint) => endpoint.ToString().TrimEnd('/') + "/@connections/";

    public async Task<(PostOutcome Outcome, HttpStatusCode? Status)> PostAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var uri = new Uri(CurrentBasePath + Uri.EscapeDataString(connectionId));
        try
        {
            using var response = await _retry.ExecuteAsync(
                static async (state, ct) =>
                {
                    using var request = state.client._signer.Create(HttpMethod.Post, state.uri, state.frame, JsonType);
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

    public void Dispose() => _http.Dispose();
}
