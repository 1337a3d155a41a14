using Microsoft.Playwright;
using StackExchange.Redis;
using StreamChat.Redis.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>
/// Two nodes of the Kestrel sample turned into a cluster the documented way (<c>ConnectionStrings__Redis</c> and
/// nothing else), on a real redis-server: clients and the browser test page on different nodes chat as one room.
/// </summary>
public sealed class SampleOnRedisTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private SampleAppFactory _nodeA = null!;
    private SampleAppFactory _nodeB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string> { ["ConnectionStrings:Redis"] = _redis.Configuration };
        _nodeA = new SampleAppFactory(settings);
        _nodeB = new SampleAppFactory(settings);
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private static Uri ChatUri(SampleAppFactory node, string query) =>
        new UriBuilder(node.BaseAddress) { Scheme = "ws", Path = "/chat", Query = query }.Uri;

    [Fact]
    public async Task Sample_WithConnectionStringsRedis_IsOneRoomAcrossTwoNodes_WithSharedHistoryAndCounts()
    {
        await using var alice = await ChatTestClient.ConnectAsync(ChatUri(_nodeA, "streamId=cluster&userId=alice&username=Alice"));
        Assert.Equal(1, (await alice.ReceiveAsync("welcome")).GetProperty("viewerCount").GetInt32());
        await using var bob = await ChatTestClient.ConnectAsync(ChatUri(_nodeB, "streamId=cluster&userId=bob&username=Bob"));
        Assert.Equal(2, (await bob.ReceiveAsync("welcome")).GetProperty("viewerCount").GetInt32());
        Assert.Equal("bob", (await alice.ReceiveAsync("user_joined")).GetProperty("userId").GetString());

        await alice.SendMessageAsync("from node A");
        Assert.Equal("from node A", (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
        await bob.SendAsync("""{"action":"history"}""");
        var history = (await bob.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("from node A", Assert.Single(history).GetProperty("message").GetString());

        await using var probe = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var keys = probe.GetServer(_redis.Configuration).Keys(pattern: "streamchat:*").Select(k => k.ToString()).ToList();
        Assert.Contains(keys, k => k.StartsWith("streamchat:h:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("streamchat:c:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestPage_OnTwoNodes_ShowsTheJoinTheCountAndTheMessagesOfTheOtherNode()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);

        async Task<IPage> OpenAsync(SampleAppFactory node, string userId, string username)
        {
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            page.SetDefaultTimeout(15_000);
            await page.GotoAsync(new Uri(node.BaseAddress, $"/?userId={userId}&username={username}&streamId=page-cluster").ToString());
            await page.ClickAsync("#connect");
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected");
            return page;
        }

        var alice = await OpenAsync(_nodeA, "alice", "Alice");
        await Assertions.Expect(alice.Locator("#messages li.msg-system").First).ToContainTextAsync("(1 watching)");
        var bob = await OpenAsync(_nodeB, "bob", "Bob");
        await Assertions.Expect(bob.Locator("#messages li.msg-system").First).ToContainTextAsync("(2 watching)");
        await Assertions.Expect(alice.Locator("#messages li.msg-join")).ToContainTextAsync("Bob joined");

        await alice.FillAsync("#text", "Hello from node A");
        await alice.ClickAsync("#send");
        await Assertions.Expect(bob.Locator("#messages li.msg-chat").Last).ToContainTextAsync("Hello from node A");
        await bob.FillAsync("#text", "Hello back from node B");
        await bob.ClickAsync("#send");
        await Assertions.Expect(alice.Locator("#messages li.msg-chat").Last).ToContainTextAsync("Hello back from node B");
    }
}
