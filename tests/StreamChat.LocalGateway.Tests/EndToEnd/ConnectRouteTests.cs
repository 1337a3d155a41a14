using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.EndToEnd;

/// <summary>
/// What API Gateway's rule "nothing can be posted to a connection while its $connect runs" means for the library: the
/// welcome comes as the answer to hello (WebSocketGatewayTests shows the 410 itself), and the others hear of the join.
/// </summary>
public sealed class ConnectRouteTests
{
    [Fact]
    public async Task TheWelcome_ComesThroughHello_AfterTheConnect_AndNothingWasLostBeforeIt()
    {
        await using var host = await LocalGatewayChatHost.StartAsync(await PublishedLambda.AotAsync());
        await using var watcher = await host.ConnectAsync("welcome", "wat");

        await using var ana = await host.ConnectAsync("welcome", "ana", "Ana");
        Assert.Equal("ana", (await watcher.ReceiveAsync("user_joined")).GetProperty("userId").GetString());
        await ana.AssertNoFrameAsync(TimeSpan.FromMilliseconds(500));

        await ana.SendAsync("""{"action":"hello"}""");
        var welcome = await ana.ReceiveAsync();
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        Assert.Equal("Ana", welcome.GetProperty("username").GetString());
        Assert.Equal(2, welcome.GetProperty("viewerCount").GetInt32());
    }
}
