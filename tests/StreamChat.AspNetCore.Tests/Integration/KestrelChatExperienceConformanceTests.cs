using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>The shared chat-experience cases (recovery, replies, reactions, whispers, presence) on the real Kestrel host with real WebSocket clients.</summary>
public sealed class KestrelChatExperienceConformanceTests : ChatExperienceConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        new KestrelChatHost(await ChatServer.StartAsync(configure));
}
