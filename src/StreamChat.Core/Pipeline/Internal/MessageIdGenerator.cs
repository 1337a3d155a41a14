namespace StreamChat.Core.Pipeline.Internal;

/// <summary>
/// Makes ULID message ids: unique, and sortable by time. Within one process ids are strictly
/// increasing, even for several messages in the same millisecond.
/// </summary>
internal sealed class MessageIdGenerator
{
    private readonly TimeProvider _timeProvider;
    private readonly object _gate = new();
    private Ulid _last;

    public MessageIdGenerator(TimeProvider timeProvider) => _timeProvider = timeProvider;

    public string Next()
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var candidate = Ulid.NewUlid(now);
            if (candidate.CompareTo(_last) <= 0)
            {
                // Same (or earlier) millisecond: keep the last id's time and add one to its random part.
                Span<byte> bytes = stackalloc byte[16];
                _last.TryWriteBytes(bytes);
                for (var i = 15; i >= 6; i--)
                {
                    if (++bytes[i] != 0)
                    {
                        break;
                    }
                }

                candidate = new Ulid(bytes);
            }

            _last = candidate;
            return candidate.ToString();
        }
    }
}
