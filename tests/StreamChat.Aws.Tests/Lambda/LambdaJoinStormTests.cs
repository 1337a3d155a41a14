using System.Diagnostics;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>
/// What a join storm costs on AWS, counted at the Management API stand-in: every post is one paid PostToConnection.
/// With individual notices each join posts to everyone already there, N(N-1)/2 in all; above the presence threshold
/// the joins fold into one viewer_count post per connection per interval.
/// </summary>
public sealed class LambdaJoinStormTests(ITestOutputHelper output)
{
    private async Task<(int Posts, TimeSpan Elapsed)> StormAsync(int connections, int threshold)
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(o => o.Presence.IndividualEventsUpTo = threshold);
        var open = new List<IChatTestConnection>(connections);
        var started = Stopwatch.StartNew();
        for (var i = 0; i < connections; i++)
        {
            open.Add(await host.ConnectAsync("storm", "v" + i));
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
        var (posts, _) = await StormAsync(N, int.MaxValue);
        Assert.Equal(N * (N - 1) / 2, posts);
    }

    [Fact]
    public async Task AThousandJoins_AboveTheThreshold_CostAViewerCountPerInterval_NotAPostPerPair()
    {
        const int N = 1_000;
        var (posts, elapsed) = await StormAsync(N, 100);

        // 100·99/2 individual notices below the threshold, then at most one viewer_count to every connection per 5 s.
        var flushes = (int)Math.Ceiling(elapsed.TotalSeconds / 5) + 1;
        Assert.InRange(posts, (100 * 99 / 2) + 101, (100 * 99 / 2) + (flushes * N));
    }
}
