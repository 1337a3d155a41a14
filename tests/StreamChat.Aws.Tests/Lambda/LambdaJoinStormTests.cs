using System.Diagnostics;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>
/// What a join storm costs on AWS, counted at the Management API stand-in: every post is one paid PostToConnection.
/// With individual notices each join posts to everyone already there, N(N-1)/2 in all; above the presence threshold
/// the joins fold into one viewer_count post per connection per interval. Runs alone (<see cref="ApiGateway.SoloTimingCollection"/>):
/// beside the CPU-heavy classes its $connects outlasted their 15 s bound on CI's 2 cores.
/// </summary>
[Collection(nameof(ApiGateway.SoloTimingCollection))]
public sealed class LambdaJoinStormTests(ITestOutputHelper output)
{
    /// <summary>
    /// Joins as a storm does: many at once (<paramref name="parallel"/> $connects in flight). The test host runs every
    /// invocation in one process, so each waits for the one folded count due (Lambda runs one invocation per sandbox).
    /// </summary>
    private async Task<(int Posts, TimeSpan Elapsed)> StormAsync(int connections, int threshold, int parallel, TimeSpan? interval = null)
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(o =>
        {
            o.Presence.IndividualEventsUpTo = threshold;
            o.Presence.ViewerCountInterval = interval ?? o.Presence.ViewerCountInterval;
        });

        // 40 $connects in flight in one process, each waiting for the folded count and for the dynalite every test in
        // the run shares: the storm takes 11 to 13 s alone here, and on CI one $connect, 5 minutes into the run, outlasted
        // the default 15 s guard. The test counts posts, not time; a minute still catches a hang.
        host.InvocationTimeout = TimeSpan.FromMinutes(1);
        var started = Stopwatch.StartNew();
        if (parallel == 1)
        {
            for (var i = 0; i < connections; i++)
            {
                await host.ConnectAsync("storm", "v" + i);
            }
        }
        else
        {
            // The first threshold joins one by one, so the individual notices are counted exactly; then the storm.
            for (var i = 0; i < threshold; i++)
            {
                await host.ConnectAsync("storm", "v" + i);
            }

            await Parallel.ForEachAsync(Enumerable.Range(threshold, connections - threshold), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, _) =>
                await host.ConnectAsync("storm", "v" + i));
        }

        var elapsed = started.Elapsed;
        var posts = host.Api.PostCount;
        output.WriteLine($"{connections} joins, threshold {threshold}: {posts} Management API posts in {elapsed.TotalSeconds:F1} s.");
        return (posts, elapsed);
    }

    [Fact]
    public async Task WithIndividualNotices_EveryJoinPostsToEveryoneAlreadyThere()
    {
        const int N = 200;
        var (posts, _) = await StormAsync(N, int.MaxValue, parallel: 1);
        Assert.Equal(N * (N - 1) / 2, posts);
    }

    [Fact]
    public async Task FourHundredJoins_AboveTheThreshold_CostAViewerCountPerInterval_NotAPostPerPair()
    {
        // 400 joins, 40 at a time, with a 1 s interval are enough to tell the two costs apart (79,800 posts for every
        // pair against a few thousand at most) in about ten seconds. The 1,000-join storm at the default 5 s this
        // replaces held each $connect up to one interval, took 50 s on CI and kept dynalite, which every test in the
        // run shares, so busy that it once timed out a $connect and the next tests' tables.
        const int N = 400;
        const int Threshold = 40;
        var interval = TimeSpan.FromSeconds(1);
        var (posts, elapsed) = await StormAsync(N, Threshold, parallel: 40, interval);

        // Threshold·(Threshold-1)/2 individual notices below the threshold, then at most one viewer_count to every
        // connection per interval.
        var flushes = (int)Math.Ceiling(elapsed / interval) + 1;
        Assert.InRange(posts, (Threshold * (Threshold - 1) / 2) + Threshold + 1, (Threshold * (Threshold - 1) / 2) + (flushes * N));
        Assert.True(posts < N * (N - 1) / 4, $"{posts} posts: more than half of one per pair.");
    }
}
