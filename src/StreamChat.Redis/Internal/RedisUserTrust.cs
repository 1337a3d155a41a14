using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamChat.Core;
using StreamChat.Core.Moderation;

namespace StreamChat.Redis.Internal;

/// <summary>
/// Users' trust shared by every node: one hash per user and stream holding their <see cref="UserStanding"/>, kept 30
/// days after their last message. While Redis is unreachable users count as new (the cautious answer: a cloud
/// moderator, where one is added, is asked) and decisions are not recorded.
/// </summary>
internal sealed class RedisUserTrust : IUserTrust
{
    public static readonly TimeSpan StandingTimeToLive = TimeSpan.FromDays(30);

    private readonly RedisConnection _redis;
    private readonly RedisKeys _keys;
    private readonly TrustOptions _trust;
    private readonly TimeProvider _time;

    public RedisUserTrust(RedisConnection redis, IOptions<StreamChatOptions> options, TimeProvider time)
    {
        _redis = redis;
        _keys = redis.Keys;
        _trust = options.Value.Moderation.Trust;
        _time = time;
    }

    public async ValueTask<UserTrustLevel> GetLevelAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        RedisValue[] f;
        try
        {
            f = await _redis.RunAsync("trust.read", db => db.HashGetAsync(_keys.Trust(streamId, userId), ["a", "f", "s"]), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            return UserTrustLevel.New;
        }

        var standing = new UserStanding(
            Number(f[0]),
            f[1].IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Number(f[1])),
            Number(f[2]));
        return standing.LevelAt(_time.GetUtcNow(), _trust);
    }

    public async ValueTask RecordAsync(string streamId, string userId, ModerationResult verdict, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var kind = UserStanding.Flags(verdict) ? "hostile" : verdict.IsBlocked ? "blocked" : "allowed";
        try
        {
            await _redis.RunAsync(
                "trust.write",
                db => db.ScriptEvaluateAsync(
                    RedisScripts.TrustRecord,
                    [_keys.Trust(streamId, userId)],
                    [kind, _time.GetUtcNow().ToUnixTimeMilliseconds(), (long)StandingTimeToLive.TotalMilliseconds]),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // Counted as failed by the connection; a standing is advice, not a record anyone was promised.
        }
    }

    private static long Number(RedisValue value) => value.IsNull ? 0 : long.Parse((string)value!, CultureInfo.InvariantCulture);
}
