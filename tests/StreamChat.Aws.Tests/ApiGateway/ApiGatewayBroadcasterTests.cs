using System.Diagnostics;
using System.Text;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Aws.ApiGateway;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Pipeline;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.ApiGateway;

public sealed class ApiGatewayBroadcasterTests
{
    internal static ServiceProvider Build(ManagementApiStandIn api, IConnectionStore? store = null, Action<ApiGatewayBroadcasterOptions>? configure = null, string region = "eu-west-2", TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        if (store is not null)
        {
            services.AddSingleton(store);
        }

        services.AddStreamChatCore().AddApiGatewayBroadcaster(o =>
        {
            o.Endpoint = api.Endpoint;
            o.Region = region;
            o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider();
    }

    internal static IConnectionStore StoreWith(params string[] ids)
    {
        var store = Substitute.For<IConnectionStore>();
        store.GetConnectionIdsAsync("live", Arg.Any<CancellationToken>()).Returns(ids);
        return store;
    }

    [Fact]
    public async Task SendToConnectionAsync_PostsTheBytesSignedForExecuteApiInTheRegion()
    {
        await using var api = await ManagementApiStandIn.StartAsync();
        await using var provider = Build(api);
        var frame = Encoding.UTF8.GetBytes("""{"type":"pong","timestamp":"2026-11-25T18:00:00.000Z"}""");

        var result = await provider.GetRequiredService<IChatBroadcaster>().SendToConnectionAsync("R0oXAdfD0kwCH6w=", frame).DefaultTimeout();

        Assert.Equal(1, result.Delivered);
        Assert.Empty(api.Rejections);
        Assert.Equal(frame, api.Bodies["R0oXAdfD0kwCH6w="]);
    }

    [Fact]
    public async Task SendToConnectionAsync_SignedForAnotherRegion_IsRefusedAndReportedNotThrown()
    {
        await using var api = await ManagementApiStandIn.StartAsync(region: "us-east-1");
        await using var provider = Build(api, region: "eu-west-2");

        var result = await provider.GetRequiredService<IChatBroadcaster>().SendToConnectionAsync("abc", new byte[] { 123, 125 }).DefaultTimeout();

        Assert.Equal(0, result.Delivered);
        Assert.Empty(result.GoneConnectionIds);
        Assert.Contains(api.Rejections, static r => r.Contains("region eu-west-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendToStreamAsync_GoneIsReported_ThrottledIsRetried_BrokenNeverFailsTheBroadcast()
    {
        await using var api = await ManagementApiStandIn.StartAsync();
        await using var provider = Build(api, StoreWith("ok-1", "gone-1", "throttle-1", "broken-1", "ok-2", "sender"));

        var result = await provider.GetRequiredService<IChatBroadcaster>().SendToStreamAsync("live", new byte[] { 123, 125 }, exceptConnectionId: "sender").DefaultTimeout();

        Assert.Equal(3, result.Delivered);
        Assert.Equal(["gone-1"], result.GoneConnectionIds);
        Assert.Equal(1, api.Posts["ok-1"]);
        Assert.Equal(2, api.Posts["throttle-1"]);
        Assert.Equal(4, api.Posts["broken-1"]);      // the first attempt and three retries
        Assert.False(api.Posts.ContainsKey("sender"));
    }

    // Issue 19's fault matrix: a Management API that does not answer costs that one recipient its frame after the
    // request time-out and its retries, never the broadcast to the others, and the connection is not taken for gone.
    [Fact]
    public async Task SendToStreamAsync_ARecipientThatTimesOut_MissesTheFrame_TheOthersGetIt_AndItIsNotGone()
    {
        await using var api = await ManagementApiStandIn.StartAsync();
        await using var provider = Build(api, StoreWith("ok-1", "slow-1", "ok-2", "sender"), o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = 1;
        });
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var result = await provider.GetRequiredService<IChatBroadcaster>().SendToStreamAsync("live", new byte[] { 123, 125 }, exceptConnectionId: "sender").DefaultTimeout();

        Assert.Equal(2, result.Delivered);
        Assert.Empty(result.GoneConnectionIds);
        Assert.Equal(1, api.Posts["ok-1"]);
        Assert.Equal(1, api.Posts["ok-2"]);
        Assert.Equal(2, api.Posts["slow-1"]); // the first attempt and one retry
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"The broadcast took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task Pipeline_OnApiGateway_GoneConnectionIsRemovedAndTheOthersSeeUserLeft()
    {
        await using var api = await ManagementApiStandIn.StartAsync();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var provider = Build(api, time: time);
        var pipeline = provider.GetRequiredService<IChatPipeline>();
        var store = provider.GetRequiredService<IConnectionStore>();
        await pipeline.ConnectAsync(new ConnectRequest("alice-1", "live", "alice", "Alice")).DefaultTimeout();
        await pipeline.ConnectAsync(new ConnectRequest("gone-bob", "live", "bob", "Bob")).DefaultTimeout();

        // Past the grace period in which API Gateway answers 410 for a connection still in $connect.
        time.Advance(TimeSpan.FromSeconds(31));

        await pipeline.MessageAsync("alice-1", Encoding.UTF8.GetBytes("""{"action":"message","message":"anyone there?"}""")).DefaultTimeout();

        Assert.Null(await store.GetAsync("gone-bob").DefaultTimeout());
        Assert.Contains("\"type\":\"user_left\"", Encoding.UTF8.GetString(api.Bodies["alice-1"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Invalid_FailValidation_AndTheBroadcasterReplacesTheDefault()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStreamChatCore().AddApiGatewayBroadcaster(o =>
        {
            o.MaxParallelism = 0;
            o.Endpoint = new Uri("http://abc123.execute-api.eu-west-2.amazonaws.com/prod");
        });
        services.AddStreamChatCore().AddApiGatewayBroadcaster();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ApiGatewayBroadcasterOptions>>().Value);
        Assert.Contains("Endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxParallelism", ex.Message, StringComparison.Ordinal);
        Assert.Single(services, static d => d.ServiceType == typeof(IChatBroadcaster));
    }

    [Fact]
    public async Task NoEndpoint_OutsideALambdaInvocation_SaysWhatToConfigure()
    {
        await using var api = await ManagementApiStandIn.StartAsync();
        await using var provider = Build(api, configure: o => o.Endpoint = null);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<IChatBroadcaster>().SendToConnectionAsync("alice-1", new byte[] { 123, 125 }));

        Assert.Contains("StreamChatApiGateway:Endpoint", ex.Message, StringComparison.Ordinal);
        Assert.Empty(api.Posts);
    }
}
