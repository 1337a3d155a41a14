using Microsoft.Extensions.DependencyInjection;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>StreamChat.Moderation.Onnx on the Kestrel host: a hostile line the word patterns miss is blocked for toxicity.</summary>
public sealed class EmbeddingHostilityTests
{
    [Fact]
    public async Task AHostileLineThePatternsMiss_IsBlockedForToxicity_AndOrdinaryChatStillFlows()
    {
        await using var server = await ChatServer.StartAsync(configureChat: static chat => chat.AddSentenceEmbeddingHostility());
        await using var alice = await server.ConnectAsync("s1", "alice");
        await using var bob = await server.ConnectAsync("s1", "bob");
        await EmbeddingHostilityScenario.RunAsync(alice, bob);
    }

    [Fact]
    public async Task EmbeddingHostility_Off_ThePatternsAloneLetTheSameLineThrough()
    {
        await using var server = await ChatServer.StartAsync(configureChat: static chat => chat.AddSentenceEmbeddingHostility(o => o.Enabled = false));
        await using var alice = await server.ConnectAsync("s1", "alice");
        await using var bob = await server.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendMessageAsync(EmbeddingHostilityScenario.HostileLineThePatternsMiss);
        Assert.Equal(EmbeddingHostilityScenario.HostileLineThePatternsMiss, (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
    }
}
