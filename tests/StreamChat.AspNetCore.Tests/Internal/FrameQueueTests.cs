using StreamChat.AspNetCore.Internal;

namespace StreamChat.AspNetCore.Tests.Internal;

/// <summary>
/// A connection's segmented frame queue: first in, first out across any number of segments, against
/// <see cref="Queue{T}"/> as the model.
/// </summary>
public sealed class FrameQueueTests
{
    [Fact]
    public void Empty_DequeuesNothing()
    {
        var queue = new FrameQueue();

        Assert.False(queue.TryDequeue(out var frame));
        Assert.True(frame.IsEmpty);
        Assert.Equal(0, queue.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(FrameQueue.SegmentLength - 1)]
    [InlineData(FrameQueue.SegmentLength)]
    [InlineData(FrameQueue.SegmentLength + 1)]
    [InlineData((FrameQueue.SegmentLength * 5) + 3)]
    public void Frames_ComeOutInTheOrderTheyWentIn(int count)
    {
        var queue = new FrameQueue();
        var frames = Enumerable.Range(0, count).Select(Frame).ToArray();

        foreach (var frame in frames)
        {
            queue.Enqueue(frame);
        }

        Assert.Equal(count, queue.Count);
        foreach (var expected in frames)
        {
            Assert.True(queue.TryDequeue(out var frame));
            Assert.Same(Array(expected), Array(frame));
        }

        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void Clear_DropsEverything_AndTheQueueWorksAfter()
    {
        var queue = new FrameQueue();
        for (var i = 0; i < (FrameQueue.SegmentLength * 3) + 7; i++)
        {
            queue.Enqueue(Frame(i));
        }

        queue.Clear();

        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryDequeue(out _));
        var again = Frame(99);
        queue.Enqueue(again);
        Assert.True(queue.TryDequeue(out var frame));
        Assert.Same(Array(again), Array(frame));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void InterleavedEnqueuesAndDequeues_MatchAQueue(int seed)
    {
        // Bursts of up to three segments and partial drains, so segments are taken and given back at every offset.
        var random = new Random(seed);
        var queue = new FrameQueue();
        var model = new Queue<ReadOnlyMemory<byte>>();
        var next = 0;
        for (var step = 0; step < 20_000; step++)
        {
            var roll = random.Next(10);
            if (roll < 5)
            {
                var frame = Frame(next++);
                queue.Enqueue(frame);
                model.Enqueue(frame);
            }
            else if (roll < 9)
            {
                var had = model.TryDequeue(out var expected);
                Assert.Equal(had, queue.TryDequeue(out var frame));
                if (had)
                {
                    Assert.Same(Array(expected), Array(frame));
                }
            }
            else if (random.Next(50) == 0)
            {
                queue.Clear();
                model.Clear();
            }

            Assert.Equal(model.Count, queue.Count);
        }
    }

    private static ReadOnlyMemory<byte> Frame(int i) => BitConverter.GetBytes(i);

    private static byte[] Array(ReadOnlyMemory<byte> frame) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");
}
