using System.Net;
using Microsoft.Extensions.Options;
using StreamChat.Aws.Internal;

namespace StreamChat.Aws.ApiGateway.Internal;

/// <summary>What happened to one call on a connection.</summary>
internal enum PostOutcome
{
    Delivered,
    Gone,
    Failed,
}

/// <summary>
/// The API Gateway Management API: PostToConnection and DeleteConnection on <c>/@connections/{id}</c>, signed for
/// <c>execute-api</c>, sent through the one <see cref="SignedHttpClient"/> and its retry policy.
/// </summary>
internal sealed class ApiGatewayManagementClient : IDisposable
{
    /// <summary>The DI key of an optional <see cref="HttpMessageHandler"/> to send through (tests route to a stand-in).</summary>
    internal const string HandlerServiceKey = "StreamChat.Aws.ApiGatewayManagement";

    private const string JsonType = "application/json";

    private readonly SignedHttpClient _http;
    private readonly string? _configuredBasePath;

    public ApiGatewayManagementClient(IOptions<ApiGatewayBroadcasterOptions> options, IServiceProvider services)
    {
        var value = options.Value;
        _http = new SignedHttpClient(services, new SignedHttpClientSettings(
            "execute-api", value.Region, value.CredentialsFactory?.Invoke(services), "ApiGatewayBroadcasterOptions.Region", HandlerServiceKey, value.RequestTimeout, value.MaxRetries));
        _configuredBasePath = value.Endpoint is { } endpoint ? BasePath(endpoint) : null;
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

    /// <summary>PostToConnection: 200 delivered, 410 gone.</summary>
    public Task<(PostOutcome Outcome, HttpStatusCode? Status)> PostAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Post, connectionId, frame, cancellationToken);

    /// <summary>DeleteConnection: 204 closed, 410 already gone.</summary>
    public Task<(PostOutcome Outcome, HttpStatusCode? Status)> DeleteAsync(string connectionId, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Delete, connectionId, ReadOnlyMemory<byte>.Empty, cancellationToken);

    private async Task<(PostOutcome Outcome, HttpStatusCode? Status)> CallAsync(HttpMethod method, string connectionId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var uri = new Uri(CurrentBasePath + Uri.EscapeDataString(connectionId));
        try
        {
            using var response = await _http.SendAsync(
                static (signer, s) => signer.Create(s.method, s.uri, s.body, s.body.IsEmpty ? null : JsonType),
                (method, uri, body),
                HttpCompletionOption.ResponseHeadersRead,
                onAttempt: null,
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
