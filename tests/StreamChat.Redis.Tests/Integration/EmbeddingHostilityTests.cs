using Microsoft.Extensions.DependencyInjection;
using StreamChat.Redis.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Redis.Tests.Integration;

/// <summary>
/// StreamChat.Moderation.Onnx on two Kestrel nodes sharing Redis (trust, history and broadcasts in Redis): a hostile line
/// the word patterns miss, sent on one node, is blocked for toxicity and never reaches the viewer on the other.
/// </summary>
public sealed class EmbeddingHostilityTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task AHostileLineThePatternsMiss_IsBlockedForToxicity_AcrossNodes()
    {
        await using var host = await TwoNodeChatHost.StartAsync(redis.Configuration, configureServices: static services => services.AddStreamChatCore().AddSentenceEmbeddingHostility());
        await using var alice = await host.A.ConnectAsync("s1", "alice");
        await using var bob = await host.B.ConnectAsync("s1", "bob");
        await EmbeddingHostilityScenario.RunAsync(alice, bob);
    }
}
