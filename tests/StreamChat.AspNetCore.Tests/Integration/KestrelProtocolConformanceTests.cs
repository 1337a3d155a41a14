using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>The shared PROTOCOL.md cases on the real Kestrel host with real WebSocket clients.</summary>
public sealed class KestrelProtocolConformanceTests : ProtocolConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        new KestrelChatHost(await ChatServer.StartAsync(configure));

    private sealed class KestrelChatHost(ChatServer server) : IChatTestHost
    {
        public IServiceProvider Services => server.Services;

        public async Task<IChatTestConnection> ConnectAsync(string streamId, string userId, string? username = null) =>
            await server.ConnectAsync(streamId, userId, username);

        public Task<int> ConnectExpectingRefusalAsync(string? streamId, string? userId, string? username) =>
            ChatTestClient.ConnectExpectingRefusalAsync(server.ChatUri(streamId, userId, username));

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
