using Microsoft.Playwright;
using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.EndToEnd;

/// <summary>
/// The browser test page in a real Chromium, pointed at the local gateway (<c>?server=ws://…/prod</c>) that runs the
/// published Native AOT Lambda sample: two users chat, the PII button is blocked, a moderator bans a user.
/// </summary>
public sealed class GatewayBrowserTests : IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private LocalGatewayChatHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalGatewayChatHost.StartAsync(
            await PublishedLambda.AotAsync(),
            staticDirectory: Path.Combine(PublishedLambda.RepositoryRoot, "samples", "StreamChat.Samples.Kestrel", "wwwroot"));
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<IPage> OpenAsync(string userId, string username, string streamId, string? role = null)
    {
        var page = await (await _browser.NewContextAsync()).NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var query = $"?server={Uri.EscapeDataString(_host.Gateway.WebSocketUrl.ToString())}&userId={userId}&username={username}&streamId={streamId}" + (role is null ? string.Empty : "&role=" + role);
        await page.GotoAsync(new Uri(_host.Gateway.BaseAddress, "/" + query).ToString());
        await page.ClickAsync("#connect");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected");
        await Assertions.Expect(page.Locator("#messages li.msg-system").First).ToContainTextAsync("Welcome");
        return page;
    }

    [Fact]
    public async Task ThePage_AgainstTheLocalGateway_Chats_BlocksPii_AndAModeratorBans()
    {
        var stream = "gw-browser";
        var alice = await OpenAsync("alice", "Alice", stream);
        var bob = await OpenAsync("bob", "Bob", stream);
        var mod = await OpenAsync("mia", "Mia", stream, "moderator");
        await Assertions.Expect(alice.Locator("#messages li.msg-join").Last).ToContainTextAsync("Mia joined");

        await alice.FillAsync("#text", "Hello from Alice on the gateway");
        await alice.ClickAsync("#send");
        await Assertions.Expect(bob.Locator("#messages li.msg-chat").Last).ToContainTextAsync("Hello from Alice on the gateway");

        await alice.ClickAsync("#btn-pii");
        await Assertions.Expect(alice.Locator("#messages li.msg-blocked")).ToContainTextAsync("pii");

        await mod.FillAsync("#text", "/ban bob");
        await mod.ClickAsync("#send");
        await Assertions.Expect(alice.Locator("#messages li.msg-moderation").Last).ToContainTextAsync("bob was banned");
        await Assertions.Expect(bob.Locator("#status")).ToHaveTextAsync("Disconnected");
        await bob.ClickAsync("#connect");
        await Assertions.Expect(bob.Locator("#messages li.msg-system").Last).ToContainTextAsync("Connection refused");

        // The blocked PII message never reached Bob, and nothing arrived after the normal one but the moderation.
        Assert.Equal(0, await bob.Locator("#messages li.msg-chat", new() { HasText = "@" }).CountAsync());
        await alice.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "gateway-browser.png"), FullPage = true });
    }
}
