namespace StreamChat.Testing;

/// <summary>
/// What StreamChat.Moderation.Onnx changes on any host: a hostile line the word patterns let through (it is in the
/// model's training batch) is blocked for toxicity, and ordinary second-person chat still reaches the stream.
/// </summary>
internal static class EmbeddingHostilityScenario
{
    public const string HostileLineThePatternsMiss = "you have zero talent and zero charisma";

    public static async Task RunAsync(IChatTestConnection alice, IChatTestConnection bob)
    {
        await alice.ReceiveAsync("user_joined");

        await alice.SendMessageAsync(HostileLineThePatternsMiss);
        var blocked = await alice.ReceiveAsync("message_blocked");
        Assert.Equal("toxicity", blocked.GetProperty("reason").GetString());

        await alice.SendMessageAsync("you should try the other build, it's really good");
        Assert.Equal("you should try the other build, it's really good", (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.DoesNotContain(await bob.DrainAsync(), f => f.GetProperty("type").GetString() == "message");
    }
}
