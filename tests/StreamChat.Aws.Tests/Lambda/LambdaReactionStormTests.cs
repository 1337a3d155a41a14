using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>
/// A reaction storm on the AWS host: 1,000 reactions into a 100-viewer stream, every invocation on dynalite, every
/// frame a signed Management API post. dynalite cannot take the 1,000 in one second, so the bound is the fold's own:
/// at most one frame per interval of the storm, plus the last.
/// </summary>
public sealed class LambdaReactionStormTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThousandReactions_Into100Viewers_AreFoldedToOneFramePerInterval_WithExactFinalCounts()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(o => o.RateLimits.Viewer.PermitLimit = 100);
        var postsBefore = host.Api.PostCount;

        var (elapsed, most, reactions) = await ReactionStorm.RunAsync(host, "storm", viewers: 100, reactors: 100, spread: TimeSpan.FromSeconds(1));

        var bound = (int)Math.Ceiling(elapsed.TotalMilliseconds / 250) + 1;
        output.WriteLine($"{reactions} reactions in {elapsed.TotalMilliseconds:F0} ms; at most {most} reactions frames per viewer (bound {bound}); {host.Api.PostCount - postsBefore} Management API posts in all.");
        Assert.Equal(1_000, reactions);
        Assert.InRange(most, 1, bound);
    }
}
