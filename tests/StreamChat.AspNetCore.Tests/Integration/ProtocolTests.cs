using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute.ExceptionExtensions;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Core.Connections;
using StreamChat.Core.Messages;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>
/// What only the Kestrel host does (welcome at open, WebSocket fragments, vanished sockets, shutdown). The rules every
/// host keeps run from <see cref="ProtocolConformanceTests"/> in <see cref="KestrelProtocolConformanceTests"/>.
/// </summary>
public sealed class ProtocolTests : IAsyncLifetime
{
    private ChatServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatServer.StartAsync(o => o.WelcomeMessage = "Hello from the test host");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Open_SendsWelcomeAtOpen_AndAnotherForEveryHello()
    {
        await using var client = await ChatTestClient.ConnectAsync(_server.ChatUri("s1", "alice", "Alice"));

        var atOpen = await client.ReceiveAsync();
        await client.SendAsync("""{"action":"hello"}""");
        var forHello = await client.ReceiveAsync();

        foreach (var welcome in new[] { atOpen, forHello })
        {
            Assert.Equal("welcome", ProtocolAssert.Type(welcome));
            Assert.Equal("s1", welcome.GetProperty("streamId").GetString());
            Assert.Equal("alice", welcome.GetProperty("userId").GetString());
            Assert.Equal("Alice", welcome.GetProperty("username").GetString());
            Assert.Equal("Hello from the test host", welcome.GetProperty("message").GetString());
            Assert.Equal(1, welcome.GetProperty("viewerCount").GetInt32());
            ProtocolAssert.Timestamp(welcome);
        }
    }

    [Fact]
    public async Task FrameTooLarge_InFragments_GetsError_AndConnectionStaysUsable()
    {
        await using var alice = await _server.ConnectAsync("s1", "alice");
        await using var bob = await _server.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");
        var big = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { action = "message", message = new string('z', 40_000) }));

        await alice.SendFragmentedAsync(big, 3000);

        Assert.Equal("frame_too_large", (await alice.ReceiveAsync("error")).GetProperty("code").GetString());
        await ProtocolAssert.StillUsableAndNothingLeakedAsync(alice, bob);
    }

    [Fact]
    public async Task FrameJustUnderTheLimit_InFragments_IsHandled()
    {
        await using var alice = await _server.ConnectAsync("s1", "alice");
        var padding = new string(' ', 32 * 1024 - 60);
        var frame = Encoding.UTF8.GetBytes("{\"action\":\"ping\"" + padding + "}");
        Assert.True(frame.Length <= 32 * 1024);

        await alice.SendFragmentedAsync(frame, 1000);

        Assert.Equal("pong", ProtocolAssert.Type(await alice.ReceiveAsync()));
    }

    [Fact]
    public async Task InternalError_WhenTheStoreFails_SenderGetsGenericError_AndConnectionStaysUsable()
    {
        var store = Substitute.For<IMessageStore>();
        store.AddAsync(Arg.Any<ChatMessage>(), Arg.Any<CancellationToken>()).ThrowsAsync(new InvalidOperationException("table missing: secret-table"));
        await using var server = await ChatServer.StartAsync(configureServices: s => s.AddSingleton(store));
        await using var alice = await server.ConnectAsync("s1", "alice");
        await using var bob = await server.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendMessageAsync("hello");

        var error = await alice.ReceiveAsync("error");
        Assert.Equal("internal_error", error.GetProperty("code").GetString());
        Assert.DoesNotContain("secret", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(await bob.DrainAsync());
        Assert.Empty(await alice.DrainAsync());
    }

    [Fact]
    public async Task ClientVanishesWithoutClose_OthersStillSeeUserLeft()
    {
        await using var alice = await _server.ConnectAsync("s1", "alice");
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(_server.ChatUri("s1", "ghost", "Ghost"), CancellationToken.None).DefaultTimeout();
        await alice.ReceiveAsync("user_joined");

        socket.Abort();
        socket.Dispose();

        Assert.Equal("ghost", (await alice.ReceiveAsync("user_left")).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task PlainHttpRequest_IsRefusedWith400()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseUri };

        using var response = await http.GetAsync("/chat?streamId=s1&userId=a&username=A").DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ServerStopping_ClosesSocketsWithGoingAway()
    {
        var server = await ChatServer.StartAsync();
        var alice = await server.ConnectAsync("s1", "alice");

        var stop = server.StopAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await alice.Closed.DefaultTimeout());
        await stop.DefaultTimeout();
        await alice.DisposeAsync();
        await server.DisposeAsync();
    }
}
