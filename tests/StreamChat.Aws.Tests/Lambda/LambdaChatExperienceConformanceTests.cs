using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>The shared chat-experience cases (recovery, replies, reactions, whispers, presence) on the AWS host: Lambda handler, dynalite stores, Management API stand-in.</summary>
public sealed class LambdaChatExperienceConformanceTests : ChatExperienceConformanceTests
{
    private protected override async Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null) =>
        await ApiGatewayLambdaHost.StartAsync(configure);
}
