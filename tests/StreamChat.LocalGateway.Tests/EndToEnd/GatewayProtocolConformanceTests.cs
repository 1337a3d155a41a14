using StreamChat.Core;
using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.EndToEnd;

/// <summary>The shared PROTOCOL.md cases through the local gateway, over real WebSockets, against the published managed build (two sandboxes per function).</summary>
public sealed class ManagedGatewayProtocolConformanceTests : ProtocolConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await LocalGatewayChatHost.StartAsync(await PublishedLambda.ManagedAsync(), configure);
}

/// <summary>The same cases against the Native AOT bootstrap, the build template.yaml deploys on provided.al2023.</summary>
public sealed class AotGatewayProtocolConformanceTests : ProtocolConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await LocalGatewayChatHost.StartAsync(await PublishedLambda.AotAsync(), configure);
}

/// <summary>The moderator-tools cases (commands, sanctions, limits) through the gateway against the Native AOT build: every table and grant the tools need, as template.yaml gives them.</summary>
public sealed class AotGatewayModeratorToolsConformanceTests : ModeratorToolsConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await LocalGatewayChatHost.StartAsync(await PublishedLambda.AotAsync(), configure);
}

/// <summary>The chat-experience cases (recovery, replies, reactions, whispers, presence) through the gateway against the Native AOT build.</summary>
public sealed class AotGatewayChatExperienceConformanceTests : ChatExperienceConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await LocalGatewayChatHost.StartAsync(await PublishedLambda.AotAsync(), configure);
}
