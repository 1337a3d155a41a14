using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace StreamChat.Aws.Internal;

/// <summary>
/// An <see cref="HttpClient"/> for one AWS service: every attempt is a fresh request signed with AWSSDK.Core's SigV4
/// signer (credentials from the caller or the SDK's default chain), sent with the one <see cref="AwsRetry"/> policy,
/// never following redirects (a signed request must go exactly where it was signed for).
/// </summary>
internal sealed class SignedHttpClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    /// <param name="services">Where an optional keyed <see cref="HttpMessageHandler"/> is found (tests route to a stand-in).</param>
    /// <param name="handlerServiceKey">The DI key of that handler.</param>
    /// <param name="service">The signing name, e.g. <c>execute-api</c>.</param>
    /// <param name="region">The region, or <see langword="null"/> for the SDK's fallback (<c>AWS_REGION</c>).</param>
    /// <param name="credentials">The credentials, or <see langword="null"/> for the SDK's default chain.</param>
    /// <param name="regionSettingName">The option to name when no region is found.</param>
    /// <param name="attemptTimeout">The time-out of one attempt (a timed-out attempt is retried).</param>
    /// <param name="maxRetries">How often a transient failure is retried.</param>
    public SignedHttpClient(IServiceProvider services, string handlerServiceKey, string service, string? region, AWSCredentials? credentials, string regionSettingName, TimeSpan attemptTimeout, int maxRetries)
    {
        Signer = new AwsRequestSigner(service, region, credentials, regionSettingName);
        var shared = services.GetKeyedService<HttpMessageHandler>(handlerServiceKey);
        _http = new HttpClient(
            shared ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
            disposeHandler: shared is null)
        {
            Timeout = attemptTimeout,
        };
        _retry = AwsRetry.ForHttp(maxRetries);
    }

    public AwsRequestSigner Signer { get; }

    /// <summary>
    /// Sends the request <paramref name="create"/> makes (once per attempt), retrying transient outcomes.
    /// <paramref name="onAttempt"/> sees each attempt's response (or <see langword="null"/> for an exception), for metrics.
    /// </summary>
    public ValueTask<HttpResponseMessage> SendAsync<TState>(
        Func<AwsRequestSigner, TState, HttpRequestMessage> create,
        TState state,
        HttpCompletionOption completion,
        Func<HttpResponseMessage?, CancellationToken, ValueTask>? onAttempt,
        CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(
            static async (s, ct) =>
            {
                var (client, create, state, completion, onAttempt) = s;
                using var request = create(client.Signer, state);
                HttpResponseMessage response;
                try
                {
                    response = await client._http.SendAsync(request, completion, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (onAttempt is not null && ex is not OperationCanceledException)
                {
                    await onAttempt(null, ct).ConfigureAwait(false);
                    throw;
                }

                if (onAttempt is not null)
                {
                    await onAttempt(response, ct).ConfigureAwait(false);
                }

                return response;
            },
            (this, create, state, completion, onAttempt),
            cancellationToken);

    public void Dispose() => _http.Dispose();
}
