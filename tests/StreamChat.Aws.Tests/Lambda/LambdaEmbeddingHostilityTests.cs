using Microsoft.Extensions.DependencyInjection;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>StreamChat.Moderation.Onnx on the Lambda host (the real handler, dynalite stores): a hostile line the word patterns miss is blocked for toxicity.</summary>
public sealed class LambdaEmbeddingHostilityTests
{
    [Fact]
    public async Task AHostileLineThePatternsMiss_IsBlockedForToxicity_AndOrdinaryChatStillFlows()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(configureBuilder: static b => b.Services.AddStreamChatCore().AddSentenceEmbeddingHostility());
        await using var alice = await host.ConnectAsync("s1", "alice");
        await using var bob = await host.ConnectAsync("s1", "bob");
        await EmbeddingHostilityScenario.RunAsync(alice, bob);
    }
}
