using System.Collections.Concurrent;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// Runs the send pumps of connections that have frames waiting, a few workers at a time and in short batches.
/// </summary>
/// <remarks>
/// A pump's write only reaches Kestrel's output pipe; the socket write happens later, on the transport's own
/// thread-pool item, and until then the connection holds a 4 KB block of Kestrel's memory pool. With one thread-pool
/// item per pump, a burst of deliveries (every join in a busy stream is announced to the others) ran pumps far ahead
/// of the socket writes: thousands of connections held a block at once, which the pool then kept. Here at most one
/// worker per core runs pumps, and after each short batch it queues itself again behind the work the batch produced.
/// Frames that arrive meanwhile wait in their connection's queue (16 bytes each; the bytes are shared by every
/// recipient) and leave back to back when its pump runs. Measured with 10,000 viewers joining 100 streams: Kestrel's
/// pool held 10 MB instead of 38 MB once all were in, and they connected twice as fast; capacity into 1,000 viewers
/// rose from 800 to 900 messages per second (docs/performance.md).
/// </remarks>
internal sealed class SendPumpScheduler : IThreadPoolWorkItem
{
    /// <summary>Pumps one worker runs before it lets the transport send what they wrote.</summary>
    internal const int BatchSize = 32;

    private readonly ConcurrentQueue<WebSocketChatConnection> _ready = new();
    private readonly int _maxWorkers;
    private int _workers;

    public SendPumpScheduler()
        : this(Environment.ProcessorCount)
    {
    }

    public SendPumpScheduler(int maxWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWorkers, 1);
        _maxWorkers = maxWorkers;
    }

    /// <summary>Queues a connection whose pump must run; it runs once per call.</summary>
    public void Schedule(WebSocketChatConnection connection)
    {
        _ready.Enqueue(connection);
        if (TryAddWorker())
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>One batch of one worker; the same item is queued once per running worker.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        for (var run = 0; run < BatchSize;)
        {
            if (_ready.TryDequeue(out var connection))
            {
                // Runs until the queue is empty or a write has to wait (the client's TCP window is full); a waiting
                // pump goes on by itself when the write completes.
                connection.RunPump();
                run++;
                continue;
            }

            Interlocked.Decrement(ref _workers);

            // A connection queued after the failed dequeue may have seen every worker busy: take it if no one else does.
            if (_ready.IsEmpty || !TryAddWorker())
            {
                return;
            }
        }

        // Behind the transport's items that this batch queued, so the blocks it filled are sent and returned first.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private bool TryAddWorker()
    {
        var workers = Volatile.Read(ref _workers);
        while (workers < _maxWorkers)
        {
            var seen = Interlocked.CompareExchange(ref _workers, workers + 1, workers);
            if (seen == workers)
            {
                return true;
            }

            workers = seen;
        }

        return false;
    }
}
