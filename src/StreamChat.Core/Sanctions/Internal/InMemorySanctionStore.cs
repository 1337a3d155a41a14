using System.Collections.Concurrent;
using StreamChat.Core.Diagnostics;

namespace StreamChat.Core.Sanctions.Internal;

/// <summary>
/// The default <see cref="ISanctionStore"/>: process memory, for one node. Expired time-outs are dropped when read.
/// </summary>
internal sealed class InMemorySanctionStore : ISanctionStore
{
    private readonly ConcurrentDictionary<(string StreamId, string UserId, SanctionKind Kind), DateTimeOffset> _sanctions = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _slowMode = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public InMemorySanctionStore(TimeProvider timeProvider, StreamChatMetrics metrics)
    {
        _timeProvider = timeProvider;
        metrics.Meter.CreateObservableGauge(
            "streamchat.sanctions.active",
            () => _sanctions.Count,
            "{sanction}",
            "Sanctions and moderator grants held by the in-memory store (expired time-outs count until next read).");
    }

    public Task<ChatStanding> GetStandingAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        var banned = InForce(streamId, userId, SanctionKind.Ban, out _);
        var timedOut = InForce(streamId, userId, SanctionKind.Timeout, out var until);
        var shadow = InForce(streamId, userId, SanctionKind.ShadowBan, out _);
        var moderator = InForce(streamId, userId, SanctionKind.Moderator, out _);
        var slow = _slowMode.TryGetValue(streamId, out var interval) ? interval : (TimeSpan?)null;
        if (!banned && !timedOut && !shadow && !moderator && slow is null)
        {
            return Task.FromResult(ChatStanding.None);
        }

        return Task.FromResult(new ChatStanding
        {
            IsBanned = banned,
            TimedOutUntil = timedOut ? until : null,
            IsShadowBanned = shadow,
            IsGrantedModerator = moderator,
            SlowMode = slow,
        });
    }

    public Task SetAsync(string streamId, string userId, SanctionKind kind, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        SanctionArguments.Check(streamId, userId, kind, expiresAt);
        cancellationToken.ThrowIfCancellationRequested();
        _sanctions[(streamId, userId, kind)] = expiresAt ?? DateTimeOffset.MaxValue;
        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string streamId, string userId, SanctionKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_sanctions.TryRemove((streamId, userId, kind), out var expiresAt) && expiresAt > _timeProvider.GetUtcNow());
    }

    public Task SetSlowModeAsync(string streamId, TimeSpan? interval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        SanctionArguments.CheckSlowMode(interval);
        cancellationToken.ThrowIfCancellationRequested();
        if (interval is { } value)
        {
            _slowMode[streamId] = value;
        }
        else
        {
            _slowMode.TryRemove(streamId, out _);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyCollection<string>> GetModeratorsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        IReadOnlyCollection<string> moderators = _sanctions
            .Where(p => p.Key.Kind == SanctionKind.Moderator && p.Key.StreamId == streamId && p.Value > now)
            .Select(static p => p.Key.UserId)
            .ToArray();
        return Task.FromResult(moderators);
    }

    private bool InForce(string streamId, string userId, SanctionKind kind, out DateTimeOffset expiresAt)
    {
        var key = (streamId, userId, kind);
        if (!_sanctions.TryGetValue(key, out expiresAt))
        {
            return false;
        }

        if (expiresAt > _timeProvider.GetUtcNow())
        {
            return true;
        }

        // Expired: drop it, unless it was renewed in the meantime.
        _sanctions.TryRemove(new KeyValuePair<(string, string, SanctionKind), DateTimeOffset>(key, expiresAt));
        return false;
    }
}
