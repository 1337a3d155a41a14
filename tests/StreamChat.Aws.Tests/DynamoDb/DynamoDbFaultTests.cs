using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.DynamoDb;

/// <summary>
/// Issue 19's fault matrix for DynamoDB (docs/reliability.md): throttling and time-outs injected between the SDK and
/// dynalite by an HTTP handler, as DynamoDB answers them (HTTP 400 with <c>ProvisionedThroughputExceededException</c>,
/// or no answer). The SDK retries throttling (standard mode); what still fails reaches the sender as
/// <c>internal_error</c> and nobody else: nothing a client was told was delivered is missing from history.
/// </summary>
public sealed class DynamoDbFaultTests
{
    private static async Task<(ApiGatewayLambdaHost Host, FaultInjectingHandler Faults)> StartAsync()
    {
        var faults = new FaultInjectingHandler();
        var client = FaultyDynamoDb.CreateClient(Dynalite.Url, faults);
        var host = await ApiGatewayLambdaHost.StartAsync(
            o => o.RateLimits.Enabled = false,
            b => b.Services.Replace(ServiceDescriptor.Singleton<IAmazonDynamoDB>(client)));
        return (host, faults);
    }

    private static async Task<List<string>> HistoryAsync(IChatTestConnection connection)
    {
        await connection.SendAsync("""{"action":"history"}""");
        return [.. (await connection.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()!)];
    }

    [Fact]
    public async Task ThrottledWrites_AreRetriedByTheSdk_AndTheMessageIsDeliveredAndKept()
    {
        var (host, faults) = await StartAsync();
        await using var _ = host;
        await using var ana = await host.ConnectAsync("s1", "ana");
        await using var ben = await host.ConnectAsync("s1", "ben");
        await ana.ReceiveAsync("user_joined");

        faults.Throttle("PutItem", times: 2);
        await ana.SendMessageAsync("through the throttle");

        Assert.Equal("through the throttle", (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(2, faults.Injected);
        Assert.Equal(["through the throttle"], await HistoryAsync(ben));
    }

    [Fact]
    public async Task WritesThrottledBeyondTheRetries_SenderGetsInternalError_NobodySawIt_AndTheConnectionStaysUsable()
    {
        var (host, faults) = await StartAsync();
        await using var _ = host;
        await using var ana = await host.ConnectAsync("s1", "ana");
        await using var ben = await host.ConnectAsync("s1", "ben");
        await ana.ReceiveAsync("user_joined");

        faults.Throttle("PutItem", times: int.MaxValue);
        await ana.SendMessageAsync("lost to the throttle");

        Assert.Equal("internal_error", (await ana.ReceiveAsync("error")).GetProperty("code").GetString());
        Assert.Equal(3, faults.Injected); // the first try and the SDK's two retries
        Assert.Empty(await ben.DrainAsync());
        faults.Clear();
        await ana.SendMessageAsync("after the throttle");
        Assert.Equal("after the throttle", (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(["after the throttle"], await HistoryAsync(ben));
    }

    [Fact]
    public async Task AWriteThatTimesOut_SenderGetsInternalError_NobodySawIt_AndHistoryHasOnlyWhatWasDelivered()
    {
        var (host, faults) = await StartAsync();
        await using var _ = host;
        await using var ana = await host.ConnectAsync("s1", "ana");
        await using var ben = await host.ConnectAsync("s1", "ben");
        await ana.ReceiveAsync("user_joined");
        await ana.SendMessageAsync("before");
        await ben.ReceiveAsync("message");

        faults.Stall("PutItem", TimeSpan.FromSeconds(5));
        await ana.SendMessageAsync("never answered");

        Assert.Equal("internal_error", (await ana.ReceiveAsync("error", TimeSpan.FromSeconds(30))).GetProperty("code").GetString());
        Assert.Empty(await ben.DrainAsync());
        faults.Clear();
        Assert.DoesNotContain("never answered", await HistoryAsync(ben));
    }

    [Fact]
    public async Task AThrottledHandshake_IsRetried_AndAccepted_AThrottleThatLasts_IsRefusedWith503()
    {
        var (host, faults) = await StartAsync();
        await using var _ = host;

        faults.Throttle("PutItem", times: 1);
        await using (await host.ConnectAsync("s1", "ana"))
        {
        }

        faults.Throttle("PutItem", times: int.MaxValue);
        Assert.Equal(503, await host.ConnectExpectingRefusalAsync("s1", "ben", "Ben"));
    }
}
