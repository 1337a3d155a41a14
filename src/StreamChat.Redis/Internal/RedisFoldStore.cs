using StackExchange.Redis;
using StreamChat.Core.Folding;

namespace StreamChat.Redis.Internal;

/// <summary>
/// Folding state in Redis, shared by every node: a set of changed items, a claim taken with <c>SET NX PX</c> (so a
/// holder that died frees it when it expires) and the last flush time. Each call is one script.
/// </summary>
internal sealed class RedisFoldStore : IFoldStore
{
    private static readonly long KeyTtl = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    private readonly RedisConnection _redis;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;

    public RedisFoldStore(RedisConnection redis, TimeProvider time)
    {
        _redis = redis;
        _keys = redis.Keys;
        _time = time;
    }

    public async Task<FoldClaim> MarkAsync(string streamId, string channel, string item, TimeSpan claimTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(item);
        var result = (RedisResult[])(await _redis.RunAsync(
            "fold.mark",
            db => db.ScriptEvaluateAsync(
                RedisScripts.FoldMark,
                Keys(streamId, channel),
                [item, _time.GetUtcNow().ToUnixTimeMilliseconds(), Math.Max(1, (long)claimTimeout.TotalMilliseconds), KeyTtl]),
            cancellationToken).ConfigureAwait(false))!;
        var flushed = (string?)result[1];
        return new FoldClaim(
            (long)result[0] == 1,
            long.TryParse(flushed, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    public async Task<IReadOnlyList<string>> TakeAsync(string streamId, string channel, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        var result = (RedisResult[])(await _redis.RunAsync(
            "fold.take",
            db => db.ScriptEvaluateAsync(RedisScripts.FoldTake, Keys(streamId, channel), [_time.GetUtcNow().ToUnixTimeMilliseconds(), KeyTtl]),
            cancellationToken).ConfigureAwait(false))!;
        return result.Select(static r => (string)r!).ToArray();
    }

    private RedisKey[] Keys(string streamId, string channel) =>
        [_keys.Fold(streamId, channel, 'i'), _keys.Fold(streamId, channel, 'c'), _keys.Fold(streamId, channel, 'f')];
}
