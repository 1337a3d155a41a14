using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Reads one item that never exists from the connections table, the read every handshake and frame starts with: the
/// check fails as the chat would (no route, no credentials, no table, no IAM grant, throttled after the SDK's retries).
/// Half a read capacity unit per probe.
/// </summary>
internal sealed class DynamoDbHealthCheck : IHealthCheck
{
    private const string ProbeConnectionId = "streamchat-health-probe";
    private readonly DynamoDbConnectionStore _connections;

    public DynamoDbHealthCheck(DynamoDbConnectionStore connections) => _connections = connections;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _connections.GetAsync(ProbeConnectionId, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The connections table answered.", Data(started));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, "The connections table did not answer: " + ex.Message, ex, Data(started));
        }
    }

    private static Dictionary<string, object> Data(long started) => new() { ["elapsedMs"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds };
}
