using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using StreamChat.Core.Sanctions;

namespace StreamChat.Redis.Internal;

/// <summary>
/// Bans, time-outs, shadow bans, granted moderators and slow mode in Redis, shared by every node: one hash per user
/// and stream (kind to expiry), a sorted set of a stream's moderators, a string for slow mode. While Redis is
/// unreachable a node answers each user's standing as it last read it (and as none for users it never read), so
/// the sockets it holds keep chatting under the rules they had; changes wait for Redis.
/// </summary>
internal sealed class RedisSanctionStore : ISanctionStore
{
    private const int MaxRemembered = 100_000;

    private readonly RedisConnection _redis;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string StreamId, string UserId), ChatStanding> _lastRead = new();

    public RedisSanctionStore(RedisConnection redis, TimeProvider time)
    {
        _redis = redis;
        _keys = redis.Keys;
        _time = time;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<ChatStanding> GetStandingAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        RedisResult[] f;
        try
        {
            f = (RedisResult[])(await _redis.RunAsync(
                "sanctions.read",
                db => db.ScriptEvaluateAsync(RedisScripts.SanctionRead, [_keys.Sanctions(streamId, userId), _keys.SlowMode(streamId)]),
                cancellationToken).ConfigureAwait(false))!;
        }
        catch (RedisUnavailableException)
        {
            return _lastRead.TryGetValue((streamId, userId), out var remembered) ? remembered : ChatStanding.None;
        }

        var now = Now;
        var banned = InForce(f[0], now, out _);
        var timedOut = InForce(f[1], now, out var until);
        var shadow = InForce(f[2], now, out _);
        var moderator = InForce(f[3], now, out _);
        TimeSpan? slow = f[4].IsNull ? null : TimeSpan.FromMilliseconds(long.Parse((string)f[4]!, CultureInfo.InvariantCulture));
        var standing = !banned && !timedOut && !shadow && !moderator && slow is null
            ? ChatStanding.None
            : new ChatStanding { IsBanned = banned, TimedOutUntil = timedOut ? until : null, IsShadowBanned = shadow, IsGrantedModerator = moderator, SlowMode = slow };
        Remember(streamId, userId, standing);
        return standing;
    }

    public Task SetAsync(string streamId, string userId, SanctionKind kind, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        SanctionArguments.Check(streamId, userId, kind, expiresAt);
        _lastRead.TryRemove((streamId, userId), out _);
        return _redis.RunAsync(
            "sanctions.write",
            db => db.ScriptEvaluateAsync(
                RedisScripts.SanctionSet,
                [_keys.Sanctions(streamId, userId), _keys.Moderators(streamId)],
                [Field(kind), expiresAt?.ToUnixTimeMilliseconds() ?? 0, Now, userId]),
            cancellationToken);
    }

    public async Task<bool> RemoveAsync(string streamId, string userId, SanctionKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        _lastRead.TryRemove((streamId, userId), out _);
        var lifted = await _redis.RunAsync(
            "sanctions.write",
            db => db.ScriptEvaluateAsync(RedisScripts.SanctionRemove, [_keys.Sanctions(streamId, userId), _keys.Moderators(streamId)], [Field(kind), Now, userId]),
            cancellationToken).ConfigureAwait(false);
        return (int)lifted == 1;
    }

    public Task SetSlowModeAsync(string streamId, TimeSpan? interval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        SanctionArguments.CheckSlowMode(interval);
        return _redis.RunAsync(
            "sanctions.write",
            db => interval is { } value
                ? db.StringSetAsync(_keys.SlowMode(streamId), (long)value.TotalMilliseconds)
                : db.KeyDeleteAsync(_keys.SlowMode(streamId)),
            cancellationToken);
    }

    public async Task<IReadOnlyCollection<string>> GetModeratorsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var now = Now;
        var members = await _redis.RunAsync(
            "sanctions.read",
            db => db.SortedSetRangeByScoreAsync(_keys.Moderators(streamId), now, double.PositiveInfinity, Exclude.Start),
            cancellationToken).ConfigureAwait(false);
        return members.Select(static m => (string)m!).ToArray();
    }

    private static string Field(SanctionKind kind) => kind switch
    {
        SanctionKind.Ban => "b",
        SanctionKind.Timeout => "t",
        SanctionKind.ShadowBan => "sb",
        SanctionKind.Moderator => "m",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sanction kind."),
    };

    private static bool InForce(RedisResult value, long now, out DateTimeOffset? expiresAt)
    {
        expiresAt = null;
        if (value.IsNull)
        {
            return false;
        }

        var ms = long.Parse((string)value!, CultureInfo.InvariantCulture);
        if (ms == 0)
        {
            return true;
        }

        expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return ms > now;
    }

    private void Remember(string streamId, string userId, ChatStanding standing)
    {
        if (_lastRead.Count >= MaxRemembered)
        {
            _lastRead.Clear();
        }

        _lastRead[(streamId, userId)] = standing;
    }
}
