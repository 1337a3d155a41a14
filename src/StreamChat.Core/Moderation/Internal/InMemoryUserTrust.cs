using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>The default <see cref="IUserTrust"/>: a bounded table in process memory (one per Kestrel node or Lambda instance).</summary>
internal sealed class InMemoryUserTrust : IUserTrust
{
    private readonly ConcurrentDictionary<(string Stream, string User), Standing> _records = new();
    private readonly TrustOptions _options;
    private readonly TimeProvider _time;
    private int _trimming;

    public InMemoryUserTrust(IOptions<StreamChatOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Moderation.Trust;
        _time = time;
    }

    /// <inheritdoc />
    public ValueTask<UserTrustLevel> GetLevelAsync(string streamId, string userId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(GetLevel(streamId, userId));

    /// <inheritdoc />
    public ValueTask RecordAsync(string streamId, string userId, ModerationResult verdict, CancellationToken cancellationToken = default)
    {
        Record(streamId, userId, verdict);
        return ValueTask.CompletedTask;
    }

    private UserTrustLevel GetLevel(string streamId, string userId)
    {
        if (!_records.TryGetValue((streamId, userId), out var record))
        {
            return default(UserStanding).LevelAt(_time.GetUtcNow(), _options);
        }

        lock (record)
        {
            return new UserStanding(record.Allowed, record.FlaggedAt, record.SinceFlag).LevelAt(_time.GetUtcNow(), _options);
        }
    }

    private void Record(string streamId, string userId, ModerationResult verdict)
    {
        var now = _time.GetUtcNow();
        var record = _records.GetOrAdd((streamId, userId), static _ => new Standing());
        lock (record)
        {
            record.LastSeen = now.UtcTicks;
            if (!verdict.IsBlocked)
            {
                record.Allowed = Math.Min(record.Allowed + 1, int.MaxValue - 1);
            }

            if (UserStanding.Flags(verdict))
            {
                record.FlaggedAt = now;
                record.SinceFlag = 0;
            }
            else
            {
                record.SinceFlag = Math.Min(record.SinceFlag + 1, int.MaxValue - 1);
            }
        }

        if (_records.Count > _options.MaxTrackedUsers && Interlocked.Exchange(ref _trimming, 1) == 0)
        {
            try
            {
                Trim();
            }
            finally
            {
                Volatile.Write(ref _trimming, 0);
            }
        }
    }

    /// <summary>Drops the least recently seen half; O(n log n) once per n/2 new users.</summary>
    private void Trim()
    {
        var byAge = _records.Select(static r => (r.Key, r.Value.LastSeen)).OrderBy(static r => r.LastSeen).ToArray();
        foreach (var (key, _) in byAge.AsSpan(0, byAge.Length / 2))
        {
            _records.TryRemove(key, out _);
        }
    }

    private sealed class Standing
    {
        public int Allowed { get; set; }

        public DateTimeOffset? FlaggedAt { get; set; }

        public int SinceFlag { get; set; }

        public long LastSeen { get; set; }
    }
}
