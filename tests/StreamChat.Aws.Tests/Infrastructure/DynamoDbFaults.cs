using System.Net;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace StreamChat.Aws.Tests.Infrastructure;

/// <summary>Answers chosen DynamoDB operations (by <c>X-Amz-Target</c>) with throttling, or not at all; passes the rest on.</summary>
internal sealed class FaultInjectingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Lock _gate = new();
    private string? _operation;
    private int _remaining;
    private TimeSpan? _stall;
    private int _injected;

    public int Injected => Volatile.Read(ref _injected);

    public void Throttle(string operation, int times)
    {
        lock (_gate)
        {
            (_operation, _remaining, _stall, _injected) = (operation, times, null, 0);
        }
    }

    public void Stall(string operation, TimeSpan delay)
    {
        lock (_gate)
        {
            (_operation, _remaining, _stall, _injected) = (operation, int.MaxValue, delay, 0);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            (_operation, _remaining, _stall) = (null, 0, null);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : string.Empty;
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        TimeSpan? stall = null;
        var inject = false;
        lock (_gate)
        {
            // Only the chat's own tables (connections, messages), not the audit trail, which is written beside them.
            if (_operation is not null && target.EndsWith("." + _operation, StringComparison.Ordinal) && _remaining > 0 && !body.Contains("audit", StringComparison.OrdinalIgnoreCase))
            {
                _remaining = _remaining == int.MaxValue ? _remaining : _remaining - 1;
                inject = true;
                stall = _stall;
                _injected++;
            }
        }

        if (!inject)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        if (stall is { } delay)
        {
            await Task.Delay(delay, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }

        return new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent(
                """{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}""",
                Encoding.UTF8,
                "application/x-amz-json-1.0"),
        };
    }
}

internal sealed class FaultInjectingClientFactory(FaultInjectingHandler handler) : HttpClientFactory
{
    // The SDK's own factory applies the client's time-out to the HttpClient; one of ours must do so too.
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}

/// <summary>DynamoDB clients whose requests pass through a <see cref="FaultInjectingHandler"/>.</summary>
internal static class FaultyDynamoDb
{
    public static AmazonDynamoDBClient CreateClient(Uri serviceUrl, FaultInjectingHandler faults) => new(
        new BasicAWSCredentials("test", "test"),
        new AmazonDynamoDBConfig
        {
            ServiceURL = serviceUrl.ToString(),
            AuthenticationRegion = "us-east-1",
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromSeconds(1),
            HttpClientFactory = new FaultInjectingClientFactory(faults),
        });
}
