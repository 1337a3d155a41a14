using Microsoft.Extensions.ObjectPool;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// A connection's frames waiting to be written, in order: linked segments of <see cref="SegmentLength"/> entries taken
/// from a pool that every connection shares, each given back as soon as it is read out. A busy connection never copies
/// or regrows an array, and an idle one holds no segment. Not thread-safe: its connection calls it under its lock.
/// </summary>
/// <remarks>
/// It replaces a <see cref="Queue{T}"/> per connection, which under load doubled its array again on every burst after
/// a drain had dropped it: measured at 600 messages per second into 1,000 viewers, those arrays were four fifths of
/// all the server allocated (docs/performance.md).
/// </remarks>
internal sealed class FrameQueue
{
    /// <summary>Entries per segment (16 bytes each).</summary>
    internal const int SegmentLength = 16;

    // At most this many free segments are kept (about 1.2 MB); beyond it, emptied segments are left to the GC.
    private const int RetainedSegments = 4096;

    private static readonly ObjectPool<Segment> Pool = new DefaultObjectPool<Segment>(new SegmentPolicy(), RetainedSegments);

    private Segment? _head;
    private Segment? _tail;
    private int _headIndex;
    private int _tailIndex;

    /// <summary>Gets the number of frames waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a frame at the end.</summary>
    public void Enqueue(ReadOnlyMemory<byte> frame)
    {
        if (_tail is null)
        {
            _head = _tail = Pool.Get();
            _headIndex = _tailIndex = 0;
        }
        else if (_tailIndex == SegmentLength)
        {
            var next = Pool.Get();
            _tail.Next = next;
            _tail = next;
            _tailIndex = 0;
        }

        _tail.Frames[_tailIndex++] = frame;
        Count++;
    }

    /// <summary>Takes the oldest frame, if there is one.</summary>
    public bool TryDequeue(out ReadOnlyMemory<byte> frame)
    {
        if (_head is not { } head)
        {
            frame = default;
            return false;
        }

        frame = head.Frames[_headIndex];
        head.Frames[_headIndex++] = default;
        Count--;
        if (Count == 0)
        {
            // The last frame was in the tail, so head and tail are the same segment.
            _head = _tail = null;
            _headIndex = _tailIndex = 0;
            Pool.Return(head);
        }
        else if (_headIndex == SegmentLength)
        {
            _head = head.Next;
            _headIndex = 0;
            head.Next = null;
            Pool.Return(head);
        }

        return true;
    }

    /// <summary>Drops every waiting frame and gives the segments back.</summary>
    public void Clear()
    {
        while (_head is { } segment)
        {
            _head = segment.Next;
            segment.Next = null;
            Array.Clear(segment.Frames);
            Pool.Return(segment);
        }

        _tail = null;
        _headIndex = _tailIndex = 0;
        Count = 0;
    }

    private sealed class Segment
    {
        public readonly ReadOnlyMemory<byte>[] Frames = new ReadOnlyMemory<byte>[SegmentLength];

        public Segment? Next;
    }

    private sealed class SegmentPolicy : PooledObjectPolicy<Segment>
    {
        public override Segment Create() => new();

        // Read-out entries are cleared as they go, and Clear empties the rest, so a returned segment holds no frame.
        public override bool Return(Segment obj) => true;
    }
}
