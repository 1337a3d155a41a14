using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StreamChat.Redis.Internal;

/// <summary>
/// PING through the node's own multiplexer: unhealthy while Redis cannot be reached (the node then serves its own
/// connections only, docs/scale-out.md), with the round trip in the data.
/// </summary>
internal sealed class RedisHealthCheck : IHealthCheck
{
    private readonly RedisConnection _redis;

    public RedisHealthCheck(RedisConnection redis) => _redis = redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var multiplexer = await _redis.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var latency = await multiplexer.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("Redis answered PING.", new Dictionary<string, object> { ["pingMs"] = latency.TotalMilliseconds, ["node"] = _redis.NodeId });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(
                context?.Registration.FailureStatus ?? HealthStatus.Unhealthy,
                "Redis did not answer: " + ex.Message,
                ex,
                new Dictionary<string, object> { ["elapsedMs"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds, ["node"] = _redis.NodeId });
        }
    }
}
