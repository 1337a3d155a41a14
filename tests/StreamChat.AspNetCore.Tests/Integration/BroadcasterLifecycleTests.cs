using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.AspNetCore.Connections;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>The broadcaster's lifecycle members on real Kestrel sockets: the handler registers through them.</summary>
public sealed class BroadcasterLifecycleTests
{
    private static async Task<string> ConnectionIdOfAsync(ChatServer server, string userId) =>
        (await server.Services.GetRequiredService<IConnectionStore>().GetByStreamAsync("live")).Single(c => c.UserId == userId).ConnectionId;

    [Fact]
    public async Task OpenSockets_AreInTheRegistry_AndLeaveItWhenTheyClose()
    {
        await using var server = await ChatServer.StartAsync();
        var registry = server.Services.GetRequiredService<LocalConnectionRegistry>();
        var ana = await server.ConnectAsync("live", "ana");

        Assert.Equal(1, registry.Count);
        Assert.Equal("ana", registry.GetStream("live")[0].UserId);
        await ana.DisposeAsync();

        await TestConnections.WaitUntilAsync(() => registry.Count == 0);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public async Task CloseConnectionAsync_DeliversWhatWasQueued_ClosesWith4003_AndTheStreamSeesTheUserLeave()
    {
        await using var server = await ChatServer.StartAsync();
        await using var bob = await server.ConnectAsync("live", "bob");
        await using var ana = await server.ConnectAsync("live", "ana");
        await bob.ReceiveAsync("user_joined");
        var broadcaster = server.Services.GetRequiredService<IChatBroadcaster>();
        var id = await ConnectionIdOfAsync(server, "ana");

        await broadcaster.SendToConnectionAsync(id, Encoding.UTF8.GetBytes("""{"type":"user_banned","timestamp":"2026-11-25T18:00:00.000Z"}""")).DefaultTimeout();
        Assert.True(await broadcaster.CloseConnectionAsync(id, 4003, "banned").DefaultTimeout());

        Assert.Equal("user_banned", (await ana.ReceiveAsync()).GetProperty("type").GetString());
        Assert.Equal((WebSocketCloseStatus)4003, await ana.Closed.DefaultTimeout());
        Assert.Equal("ana", (await bob.ReceiveAsync("user_left")).GetProperty("userId").GetString());
        Assert.False(await broadcaster.CloseConnectionAsync(id, 4003, "banned").DefaultTimeout());
    }

    [Fact]
    public async Task SendToUserAsync_ReachesEveryTabOfThatUser_AndNobodyElse()
    {
        await using var server = await ChatServer.StartAsync();
        await using var phone = await server.ConnectAsync("live", "ana");
        await using var laptop = await server.ConnectAsync("live", "ana");
        await using var bob = await server.ConnectAsync("live", "bob");
        await phone.DrainAsync();
        await laptop.DrainAsync();
        await bob.DrainAsync();

        var result = await server.Services.GetRequiredService<IChatBroadcaster>()
            .SendToUserAsync("live", "ana", Encoding.UTF8.GetBytes("""{"type":"whisper","timestamp":"2026-11-25T18:00:00.000Z"}""")).DefaultTimeout();

        Assert.Equal(2, result.Delivered);
        Assert.Equal("whisper", (await phone.ReceiveAsync()).GetProperty("type").GetString());
        Assert.Equal("whisper", (await laptop.ReceiveAsync()).GetProperty("type").GetString());
        await bob.AssertNoFrameAsync(TimeSpan.FromMilliseconds(200));
    }
}
