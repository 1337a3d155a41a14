using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>The shared PROTOCOL.md cases on the real Kestrel host with real WebSocket clients.</summary>
public sealed class KestrelProtocolConformanceTests : ProtocolConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        new KestrelChatHost(await ChatServer.StartAsync(configure));
}
