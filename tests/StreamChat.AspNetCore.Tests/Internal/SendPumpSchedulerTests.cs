using StreamChat.AspNetCore.Internal;
using StreamChat.AspNetCore.Tests.Infrastructure;
using static StreamChat.AspNetCore.Tests.Infrastructure.TestConnections;

namespace StreamChat.AspNetCore.Tests.Internal;

/// <summary>
/// The scheduler that runs the connections' send pumps: every scheduled pump runs, and no more of them at a time than
/// it has workers, over real server-side WebSockets whose streams record the writes.
/// </summary>
public sealed class SendPumpSchedulerTests
{
    [Fact]
    public void MaxWorkers_BelowOne_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SendPumpScheduler(0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task PumpsNeverRunOnMoreThreadsThanWorkers(int workers)
    {
        var scheduler = new SendPumpScheduler(workers);
        var probe = new ConcurrencyProbe();
        var connections = Enumerable.Range(0, 200).Select(i => Create(scheduler, probe.Watch(new ControlledStream()), "c" + i)).ToArray();

        // Broadcasts from several threads at once, the way several publishers' messages arrive.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var round = 0; round < 5; round++)
            {
                foreach (var connection in connections)
                {
                    Assert.True(connection.Connection.TryEnqueue(Frame("m")));
                }
            }
        })));

        await WaitUntilAsync(() => connections.All(c => c.Stream.MessageCount == 20));
        Assert.InRange(probe.MostAtOnce, 1, workers);
        Assert.Equal(4000, connections.Sum(c => c.Stream.MessageCount));
        DisposeAll(connections);
    }

    [Fact]
    public async Task EveryScheduledPump_Runs_WhenWorkersRetireWhileFramesArrive()
    {
        // Frames trickle in one at a time from many threads, so workers keep running dry and retiring just as the
        // next connection is queued: a lost wake-up would leave a frame unsent.
        var scheduler = new SendPumpScheduler(1);
        var connections = Enumerable.Range(0, 50).Select(i => Create(scheduler, new ControlledStream(), "c" + i)).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                var connection = connections[(t * 7 + i) % connections.Length].Connection;
                Assert.True(connection.TryEnqueue(Frame("m")));
                if (i % 50 == 0)
                {
                    await Task.Yield();
                }
            }
        })));

        await WaitUntilAsync(() => connections.Sum(c => c.Stream.MessageCount) == 4000);
        Assert.Equal(4000, connections.Sum(c => c.Stream.MessageCount));
        DisposeAll(connections);
    }

    private static (WebSocketChatConnection Connection, ControlledStream Stream) Create(SendPumpScheduler scheduler, ControlledStream stream, string id) =>
        (TestConnections.Create(stream, scheduler, connectionId: id), stream);

    private static void DisposeAll((WebSocketChatConnection Connection, ControlledStream Stream)[] connections)
    {
        foreach (var (connection, _) in connections)
        {
            connection.Abort();
            connection.Dispose();
        }
    }

    /// <summary>How many writes, over all connections, were ever in progress at the same moment.</summary>
    private sealed class ConcurrencyProbe
    {
        private int _now;
        private int _most;

        public int MostAtOnce => Volatile.Read(ref _most);

        public void Enter()
        {
            var now = Interlocked.Increment(ref _now);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref _now);

        /// <summary>Makes every write to the stream take a while and counts it while it lasts.</summary>
        public ControlledStream Watch(ControlledStream stream)
        {
            stream.OnWrite = _ =>
            {
                Enter();

                // Long enough that pumps run on two threads at once would be seen overlapping.
                Thread.SpinWait(20_000);
                Exit();
            };
            return stream;
        }
    }
}
