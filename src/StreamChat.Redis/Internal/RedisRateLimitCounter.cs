using StackExchange.Redis;
using StreamChat.Core.RateLimiting;

namespace StreamChat.Redis.Internal;

/// <summary>
/// Cluster-wide rate limits: one fixed window per key in Redis, counted atomically by a Lua script (the rule of the
/// in-memory and DynamoDB counters). While Redis is unreachable the node counts locally with the counter it had
/// before Redis was added, so limits still hold per node.
/// </summary>
internal sealed class RedisRateLimitCounter : IRateLimitCounter
{
    private readonly RedisConnection _redis;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly IRateLimitCounter _local;

    public RedisRateLimitCounter(RedisConnection redis, TimeProvider time, IRateLimitCounter local)
    {
        _redis = redis;
        _keys = redis.Keys;
        _time = time;
        _local = local;
    }

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, int permitLimit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        RateLimitArguments.Check(key, permitLimit, window);
        try
        {
            var left = (long)await _redis.RunAsync(
                "rate_limit",
                db => db.ScriptEvaluateAsync(
                    RedisScripts.RateLimitAcquire,
                    [_keys.RateLimit(key)],
                    [_time.GetUtcNow().ToUnixTimeMilliseconds(), (long)Math.Ceiling(window.TotalMilliseconds), permitLimit]),
                cancellationToken).ConfigureAwait(false);
            return left <= 0 ? RateLimitDecision.Allowed : RateLimitDecision.Denied(TimeSpan.FromMilliseconds(left));
        }
        catch (RedisUnavailableException)
        {
            return await _local.TryAcquireAsync(key, permitLimit, window, cancellationToken).ConfigureAwait(false);
        }
    }
}
