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
    /// <param name="settings">The service, region, credentials, time-out and retries.</param>
    public SignedHttpClient(IServiceProvider services, SignedHttpClientSettings settings)
    {
        Signer = new AwsRequestSigner(settings.Service, settings.Region, settings.Credentials, settings.RegionSettingName);
        var shared = services.GetKeyedService<HttpMessageHandler>(settings.HandlerServiceKey);
        _http = new HttpClient(
            shared ?? new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
            disposeHandler: shared is null)
        {
            Timeout = settings.AttemptTimeout,
        };
        _retry = AwsRetry.ForHttp(settings.MaxRetries);
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

/// <summary>What one AWS service's <see cref="SignedHttpClient"/> is built with.</summary>
/// <param name="Service">The signing name, e.g. <c>execute-api</c>.</param>
/// <param name="Region">The region, or <see langword="null"/> for the SDK's fallback (<c>AWS_REGION</c>).</param>
/// <param name="Credentials">The credentials, or <see langword="null"/> for the SDK's default chain.</param>
/// <param name="RegionSettingName">The option to name when no region is found.</param>
/// <param name="HandlerServiceKey">The DI key of an optional <see cref="HttpMessageHandler"/> to send through.</param>
/// <param name="AttemptTimeout">The time-out of one attempt (a timed-out attempt is retried).</param>
/// <param name="MaxRetries">How often a transient failure is retried.</param>
internal sealed record SignedHttpClientSettings(
    string Service, string? Region, AWSCredentials? Credentials, string RegionSettingName, string HandlerServiceKey, TimeSpan AttemptTimeout, int MaxRetries);
