using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>
/// The storm on Kestrel: 1,000 reactions in one second into a 500-viewer stream. Timed, so it runs alone
/// (<see cref="RaidCollection"/>): beside the class that loads and runs the embedding model it once took 1.47 s on CI.
/// </summary>
[Collection(nameof(RaidCollection))]
public sealed class ReactionStormTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThousandReactionsInOneSecond_Into500Viewers_AtMostFiveFramesPerViewer_WithExactFinalCounts()
    {
        await using var server = await ChatServer.StartAsync(o => o.RateLimits.Viewer.PermitLimit = 100);
        var host = new KestrelChatHost(server);

        var (elapsed, most, reactions) = await ReactionStorm.RunAsync(host, "storm", viewers: 500, reactors: 100, spread: TimeSpan.FromSeconds(0.9));

        output.WriteLine($"{reactions} reactions in {elapsed.TotalMilliseconds:F0} ms; at most {most} reactions frames per viewer.");
        Assert.Equal(1_000, reactions);
        Assert.True(elapsed < TimeSpan.FromSeconds(1.25), $"The storm took {elapsed.TotalMilliseconds:F0} ms.");
        Assert.InRange(most, 1, 5);
    }
}
