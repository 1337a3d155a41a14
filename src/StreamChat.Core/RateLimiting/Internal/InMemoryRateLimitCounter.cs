using System.Collections.Concurrent;

namespace StreamChat.Core.RateLimiting.Internal;

/// <summary>
/// The default <see cref="IRateLimitCounter"/>: one small window per key in process memory, swept as it grows.
/// </summary>
/// <remarks>
/// Hand-written rather than System.Threading.RateLimiting's partitioned fixed-window limiter, for two reasons the
/// protocol needs: that limiter reports the whole window as <c>RetryAfter</c>, not the time left, and it counts on its
/// own timer, so it can neither answer "wait 3 seconds" nor share the <see cref="TimeProvider"/> the DynamoDB counter
/// and the tests use. The semantics here are exactly the DynamoDB counter's.
/// </remarks>
internal sealed class InMemoryRateLimitCounter : IRateLimitCounter
{
    // Sweep closed windows once this many keys exist, and then when the count doubles.
    private const int SweepFloor = 4_096;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private int _sweepAt = SweepFloor;

    public InMemoryRateLimitCounter(TimeProvider timeProvider) => _timeProvider = timeProvider;

    public ValueTask<RateLimitDecision> TryAcquireAsync(string key, int permitLimit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        RateLimitArguments.Check(key, permitLimit, window);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetTimestamp();
        RateLimitDecision decision;
        while (true)
        {
            var state = _windows.GetOrAdd(key, static _ => new Window());
            if (TryDecide(state, permitLimit, window, now, out decision))
            {
                break;
            }
        }

        if (_windows.Count >= Volatile.Read(ref _sweepAt))
        {
            Sweep(now);
        }

        return ValueTask.FromResult(decision);
    }

    private bool TryDecide(Window state, int permitLimit, TimeSpan window, long now, out RateLimitDecision decision)
    {
        lock (state)
        {
            if (state.Removed)
            {
                // Swept after we fetched it; the key has (or will get) a fresh window.
                decision = default;
                return false;
            }

            if (state.Count == 0 || _timeProvider.GetElapsedTime(state.OpenedAt, now) >= window)
            {
                state.OpenedAt = now;
                state.Length = window;
                state.Count = 1;
                decision = RateLimitDecision.Allowed;
            }
            else if (state.Count < permitLimit)
            {
                state.Count++;
                decision = RateLimitDecision.Allowed;
            }
            else
            {
                decision = RateLimitDecision.Denied(window - _timeProvider.GetElapsedTime(state.OpenedAt, now));
            }

            return true;
        }
    }

    private void Sweep(long now)
    {
        foreach (var (key, state) in _windows)
        {
            lock (state)
            {
                if (_timeProvider.GetElapsedTime(state.OpenedAt, now) >= state.Length)
                {
                    state.Removed = true;
                    _windows.TryRemove(new KeyValuePair<string, Window>(key, state));
                }
            }
        }

        Volatile.Write(ref _sweepAt, Math.Max(SweepFloor, _windows.Count * 2));
    }

    private sealed class Window
    {
        public long OpenedAt { get; set; }

        public TimeSpan Length { get; set; }

        public int Count { get; set; }

        public bool Removed { get; set; }
    }
}
