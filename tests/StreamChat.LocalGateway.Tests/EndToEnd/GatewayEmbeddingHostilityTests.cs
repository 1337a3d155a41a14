using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.EndToEnd;

/// <summary>
/// StreamChat.Moderation.Onnx in the Lambda sample as it is deployed: the managed build published with
/// <c>-p:EmbeddingHostility=true</c>, in sandbox processes behind the local gateway, switched on by the template's
/// <c>EmbeddingHostility</c> parameter (<c>StreamChatEmbedding__Enabled</c>, false by default); and the Native AOT build, which cannot carry
/// the model, refusing the switch at init with what to do instead.
/// </summary>
public sealed class GatewayEmbeddingHostilityTests
{
    private static readonly Dictionary<string, string> SwitchedOn = new()
    {
        ["StreamChatEmbedding__Enabled"] = "true",
        ["StreamChatComprehend__UntrustedFrom"] = "0.1",
    };

    [Fact]
    public async Task ManagedBuild_SwitchedOn_BlocksAHostileLineThePatternsMiss_AndOrdinaryChatStillFlows()
    {
        // The model loads on a sandbox's first message: the function timeout leaves room for that on a busy machine.
        await using var host = await LocalGatewayChatHost.StartAsync(await PublishedLambda.ManagedAsync(), environment: SwitchedOn, functionTimeout: GatewayConformance.FunctionTimeout);
        await using var alice = await host.ConnectAsync("embed-on", "alice");
        await using var bob = await host.ConnectAsync("embed-on", "bob");
        await EmbeddingHostilityScenario.RunAsync(alice, bob);
    }

    [Fact]
    public async Task ManagedBuild_SwitchedOff_ThePatternsAloneLetTheSameLineThrough()
    {
        await using var host = await LocalGatewayChatHost.StartAsync(await PublishedLambda.ManagedAsync());
        await using var alice = await host.ConnectAsync("embed-off", "alice");
        await using var bob = await host.ConnectAsync("embed-off", "bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendMessageAsync(EmbeddingHostilityScenario.HostileLineThePatternsMiss);
        Assert.Equal(EmbeddingHostilityScenario.HostileLineThePatternsMiss, (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
    }

    [Fact]
    public async Task NativeAotBuild_SwitchedOn_FailsInit_SayingWhichBuildToDeploy()
    {
        await using var host = await LocalGatewayChatHost.StartAsync(await PublishedLambda.AotAsync(), environment: SwitchedOn);
        var function = host.Gateway.Functions["MessageFunction"];
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (function.LastInitError is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.NotNull(function.LastInitError);
        Assert.Contains("InvalidOperationException", function.LastInitError, StringComparison.Ordinal);
        Assert.Contains("-p:EmbeddingHostility=true", function.LastInitError, StringComparison.Ordinal);
        Assert.Contains("FunctionRuntime=dotnet10", function.LastInitError, StringComparison.Ordinal);
    }
}
