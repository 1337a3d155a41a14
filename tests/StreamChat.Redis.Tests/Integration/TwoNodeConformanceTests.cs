using StreamChat.Core;
using StreamChat.Redis.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Redis.Tests.Integration;

/// <summary>The shared PROTOCOL.md cases on two Redis-backed Kestrel nodes, senders and receivers on different nodes.</summary>
public sealed class TwoNodeProtocolConformanceTests(RedisFixture redis) : ProtocolConformanceTests, IClassFixture<RedisFixture>
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await TwoNodeChatHost.StartAsync(redis, configure);
}

/// <summary>The shared moderator-tools cases (bans, time-outs, slow mode, limits) on two Redis-backed Kestrel nodes.</summary>
public sealed class TwoNodeModeratorToolsConformanceTests(RedisFixture redis) : ModeratorToolsConformanceTests, IClassFixture<RedisFixture>
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await TwoNodeChatHost.StartAsync(redis, configure);
}

/// <summary>The shared chat-experience cases (recovery, replies, reactions, whispers, presence) on two Redis-backed Kestrel nodes.</summary>
public sealed class TwoNodeChatExperienceConformanceTests(RedisFixture redis) : ChatExperienceConformanceTests, IClassFixture<RedisFixture>
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await TwoNodeChatHost.StartAsync(redis, configure);
}
