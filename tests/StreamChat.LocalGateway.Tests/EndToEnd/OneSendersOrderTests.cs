using System.Diagnostics;
using System.Text.Json;
using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.LocalGateway.Tests.EndToEnd;

/// <summary>
/// docs/protocol.md's "one sender's messages reach every recipient in the order they were sent" on the AWS host, where
/// API Gateway hands a connection's messages to whichever of three sandboxes is free: numbered frames (seq) are
/// handled in their order, live and in history.
/// </summary>
public sealed class OneSendersOrderTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Burst_OfNumberedMessages_ThroughThreeSandboxes_ArrivesInSendOrder_LiveAndInHistory()
    {
        await using var host = await LocalGatewayChatHost.StartAsync(await PublishedLambda.AotAsync(), o => o.RateLimits.Enabled = false, instances: 3);
        await using var sender = await host.ConnectAsync("burst", "ana");
        await using var viewer = await host.ConnectAsync("burst", "bob");
        await sender.ReceiveAsync("user_joined");

        var stopwatch = Stopwatch.StartNew();
        var sent = Enumerable.Range(1, 20).Select(i => $"burst {i:00}").ToList();
        foreach (var text in sent)
        {
            await sender.SendMessageAsync(text); // as fast as the socket takes them, no waiting for answers
        }

        var received = new List<string>();
        while (received.Count < sent.Count)
        {
            received.Add((await viewer.ReceiveAsync("message")).GetProperty("message").GetString()!);
        }

        output.WriteLine($"20 numbered messages through 3 sandboxes: the last reached the viewer after {stopwatch.ElapsedMilliseconds} ms.");
        Assert.Equal(sent, received);
        await viewer.SendAsync("""{"action":"history","limit":50}""");
        var history = (await viewer.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()!).ToList();
        Assert.Equal(sent, history);
    }
}
