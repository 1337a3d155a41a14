using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using StreamChat.Core.Connections;
using StreamChat.Core.Diagnostics;
using StreamChat.Redis.Internal;
using StreamChat.Redis.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Redis.Tests.Integration;

/// <summary>
/// Redis killed and started again under two live Kestrel nodes: what docs/scale-out.md promises for the window, and
/// that the nodes recover by themselves.
/// </summary>
public sealed class RedisOutageTests
{
    private static void Fast(RedisScaleOutOptions o)
    {
        o.PresenceTimeout = TimeSpan.FromSeconds(3);
        o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
    }

    // Reconnecting takes StackExchange.Redis a few heartbeats; allow more than the default.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static RedisConnection RedisOf(IServiceProvider services) => services.GetRequiredService<RedisConnection>();

    private static async Task<List<string?>> HistoryAsync(IChatTestConnection connection)
    {
        await connection.SendAsync("""{"action":"history"}""");
        return (await connection.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()).ToList();
    }

    [Fact]
    public async Task WhileRedisIsDown_NodesServeTheirOwnSockets_RefuseNewOnes_AndAfterwardsHistoryHasEverythingAcknowledged()
    {
        await using var server = await RedisServer.StartAsync(persistent: true);
        await using var host = await TwoNodeChatHost.StartAsync(server.Configuration, configureRedis: Fast, configureServices: s => s.AddFakeLogging());
        await using var ana = await host.A.ConnectAsync("out", "ana");
        await using var carol = await host.A.ConnectAsync("out", "carol");
        await using var bob = await host.B.ConnectAsync("out", "bob");
        await ana.SendMessageAsync("before");
        Assert.Equal("before", (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
        await ana.DrainAsync();
        await carol.DrainAsync();

        using var reconnects = new MetricCollector<long>(host.A.Services.GetRequiredService<IMeterFactory>(), StreamChatMeter.Name, "streamchat.redis.reconnects");
        await server.KillAsync();
        await Eventually.WaitForAsync(() => RedisOf(host.A.Services).IsUnavailable && RedisOf(host.B.Services).IsUnavailable, "both nodes to see Redis gone", Timeout);

        // Local delivery goes on; the other node misses what is sent in the window.
        await ana.SendMessageAsync("during");
        Assert.Equal("during", (await carol.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal("during", (await ana.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(503, await ChatTestClient.ConnectExpectingRefusalAsync(host.A.ChatUri("out", "dave", "Dave")));
        for (var i = 0; i < 5; i++)
        {
            await ana.SendMessageAsync("still down " + i);
            await carol.ReceiveAsync("message");
        }

        Assert.Equal(6, host.A.Services.GetRequiredService<RedisMessageStore>().PendingCount);
        using (var available = new MetricCollector<int>(host.A.Services.GetRequiredService<IMeterFactory>(), StreamChatMeter.Name, "streamchat.redis.available"))
        {
            available.RecordObservableInstruments();
            Assert.Equal(0, available.LastMeasurement!.Value);
        }

        var logs = host.A.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.Single(logs, r => r.Id.Name == "RedisUnavailable");

        await server.StartAgainAsync();
        await Eventually.WaitForAsync(() => !RedisOf(host.A.Services).IsUnavailable && !RedisOf(host.B.Services).IsUnavailable, "both nodes to reconnect", Timeout);
        await Eventually.WaitForAsync(() => host.A.Services.GetRequiredService<RedisMessageStore>().PendingCount == 0, "the pending history to be written", Timeout);

        await ana.SendMessageAsync("after");
        Assert.Equal("after", (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(["before", "during", .. Enumerable.Range(0, 5).Select(i => "still down " + i), "after"], await HistoryAsync(bob));
        Assert.Equal(1, reconnects.GetMeasurementSnapshot().Sum(m => m.Value));
        await using var dave = await host.B.ConnectAsync("out", "dave");
    }

    [Fact]
    public async Task ARedisThatComesBackEmpty_GetsEveryNodesPresenceAndSubscriptionsBack()
    {
        await using var server = await RedisServer.StartAsync();
        await using var host = await TwoNodeChatHost.StartAsync(server.Configuration, configureRedis: Fast);
        await using var ana = await host.A.ConnectAsync("empty", "ana");
        await using var bob = await host.B.ConnectAsync("empty", "bob");
        await using var carol = await host.B.ConnectAsync("empty", "carol");
        var store = host.A.Services.GetRequiredService<IConnectionStore>();
        Assert.Equal(3, await store.CountAsync("empty"));

        await server.KillAsync();
        await Eventually.WaitForAsync(() => RedisOf(host.A.Services).IsUnavailable, "node A to see Redis gone", Timeout);
        await server.StartAgainAsync();

        await Eventually.WaitForAsync(async () => !RedisOf(host.A.Services).IsUnavailable && await store.CountAsync("empty") == 3, "presence to be registered again", Timeout);
        await ana.DrainAsync();
        await bob.DrainAsync();
        await ana.SendMessageAsync("still here?");
        Assert.Equal("still here?", (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal("still here?", (await ana.ReceiveAsync("message")).GetProperty("message").GetString());
        await bob.SendMessageAsync("yes");
        Assert.Equal("yes", (await ana.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(["bob", "carol"], (await store.GetByStreamAsync("empty")).Where(c => c.UserId != "ana").Select(c => c.UserId).Order(StringComparer.Ordinal));
    }
}
