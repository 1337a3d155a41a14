using Microsoft.Playwright;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>The sample's test page in a real Chromium, driven by Playwright, as two users.</summary>
public sealed class BrowserTests : IClassFixture<SampleAppFactory>, IAsyncLifetime
{
    private readonly SampleAppFactory _factory;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public BrowserTests(SampleAppFactory factory) => _factory = factory;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private Task<IPage> OpenAsUserAsync(string userId, string username, string streamId, string? role = null) =>
        OpenAsUserAsync(_factory, userId, username, streamId, role);

    private async Task<IPage> OpenAsUserAsync(SampleAppFactory factory, string userId, string username, string streamId, string? role = null)
    {
        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var query = $"?userId={Uri.EscapeDataString(userId)}&username={Uri.EscapeDataString(username)}&streamId={Uri.EscapeDataString(streamId)}";
        if (role is not null)
        {
            query += "&role=" + role;
        }

        await page.GotoAsync(new Uri(factory.BaseAddress, "/" + query).ToString());
        await page.ClickAsync("#connect");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected");
        await Assertions.Expect(page.Locator("#messages li.msg-system").First).ToContainTextAsync("Welcome");
        return page;
    }

    /// <summary>
    /// The sample with StreamChat.Moderation.Onnx switched on the documented way (<c>Sample__EmbeddingHostility=true</c>):
    /// the page shows a hostile line the word patterns let through blocked for toxicity, for its sender only.
    /// </summary>
    [Fact]
    public async Task WithEmbeddingHostility_ThePageShowsALineThePatternsMiss_BlockedForToxicity_ForItsSenderOnly()
    {
        await using var factory = new SampleAppFactory(new Dictionary<string, string> { ["Sample:EmbeddingHostility"] = "true" });
        var stream = "onnx-" + Guid.NewGuid().ToString("N")[..8];
        var alice = await OpenAsUserAsync(factory, "alice", "Alice", stream);
        var bob = await OpenAsUserAsync(factory, "bob", "Bob", stream);
        await Assertions.Expect(alice.Locator("#messages li.msg-join")).ToContainTextAsync("Bob joined");

        await alice.FillAsync("#text", EmbeddingHostilityScenario.HostileLineThePatternsMiss);
        await alice.ClickAsync("#send");
        await Assertions.Expect(alice.Locator("#messages li.msg-blocked")).ToContainTextAsync("toxicity");

        await alice.FillAsync("#text", "you should try the other build, it's really good");
        await alice.ClickAsync("#send");
        await Assertions.Expect(bob.Locator("#messages li.msg-chat").Last).ToContainTextAsync("try the other build");
        await Assertions.Expect(bob.Locator("#messages")).Not.ToContainTextAsync("charisma");
    }

    [Fact]
    public async Task TwoUsers_ChatBlockAndEscape_AsThePageShowsThem()
    {
        var stream = "browser-" + Guid.NewGuid().ToString("N")[..8];
        var alice = await OpenAsUserAsync("alice", "Alice", stream);
        var bob = await OpenAsUserAsync("bob", "Bob", stream);

        // Alice sees Bob join.
        await Assertions.Expect(alice.Locator("#messages li.msg-join")).ToContainTextAsync("Bob joined");

        // One sends, the other sees it.
        await alice.FillAsync("#text", "Hello from Alice");
        await alice.ClickAsync("#send");
        await Assertions.Expect(bob.Locator("#messages li.msg-chat").Last).ToContainTextAsync("Hello from Alice");
        await Assertions.Expect(bob.Locator("#messages li.msg-chat .who").Last).ToHaveTextAsync("Alice");

        // The PII button: a blocked notice for Alice only.
        await alice.ClickAsync("#btn-pii");
        await Assertions.Expect(alice.Locator("#messages li.msg-blocked")).ToContainTextAsync("pii");

        // The spam button too.
        await alice.ClickAsync("#btn-spam");
        await Assertions.Expect(alice.Locator("#messages li.msg-blocked").Last).ToContainTextAsync("spam");

        // The normal button is delivered; once Bob has it, anything blocked before it would have arrived too.
        await alice.ClickAsync("#btn-normal");
        await Assertions.Expect(bob.Locator("#messages li.msg-chat").Last).ToContainTextAsync("Great stream today");
        await Assertions.Expect(bob.Locator("#messages li.msg-blocked")).ToHaveCountAsync(0);
        await Assertions.Expect(bob.Locator("#messages")).Not.ToContainTextAsync("example.com");
        await Assertions.Expect(bob.Locator("#messages")).Not.ToContainTextAsync("V-BUCKS");

        // Markup from another user is shown as text, never run.
        const string attack = "<img src=x onerror=\"window.__xss=1\"> <b>bold?</b>";
        await alice.FillAsync("#text", attack);
        await alice.ClickAsync("#send");
        var last = bob.Locator("#messages li.msg-chat .body").Last;
        await Assertions.Expect(last).ToHaveTextAsync(attack);
        Assert.Equal(0, await bob.Locator("#messages img, #messages b").CountAsync());
        Assert.True(await bob.EvaluateAsync<bool>("() => window.__xss === undefined"));

        // History shows delivered messages only.
        await bob.ClickAsync("#btn-history");
        await Assertions.Expect(bob.Locator("#messages li.msg-system").Last).ToContainTextAsync("History: 3 message(s)");

        await bob.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "browser-bob.png"), FullPage = true });

        // Bob disconnects; Alice sees him leave.
        await bob.ClickAsync("#disconnect");
        await Assertions.Expect(bob.Locator("#status")).ToHaveTextAsync("Disconnected");
        await Assertions.Expect(alice.Locator("#messages li.msg-leave")).ToContainTextAsync("Bob left");
    }

    [Fact]
    public async Task Moderator_DeletesAndTimesOutFromTheMessageButtons_AndEveryoneSeesTheEvents()
    {
        var stream = "browser-mod-" + Guid.NewGuid().ToString("N")[..8];
        var mod = await OpenAsUserAsync("mia", "Mia", stream, "moderator");
        var fan = await OpenAsUserAsync("fan", "Fan", stream);
        await Assertions.Expect(mod.Locator("#messages li.msg-join")).ToContainTextAsync("Fan joined");

        await fan.FillAsync("#text", "first message");
        await fan.ClickAsync("#send");
        await fan.FillAsync("#text", "second message");
        await fan.ClickAsync("#send");
        await Assertions.Expect(mod.Locator("#messages li.msg-chat")).ToHaveCountAsync(2);

        // A viewer's page has no tools; the moderator's has them on other people's messages.
        Assert.Equal(0, await fan.Locator("#messages .mod-tools").CountAsync());
        await fan.FillAsync("#text", "/ban mia");
        await fan.ClickAsync("#send");
        await Assertions.Expect(fan.Locator("#messages li.msg-error").Last).ToContainTextAsync("forbidden");
        await mod.Locator("#messages li.msg-chat", new() { HasText = "first message" }).Locator("button.mod-delete").ClickAsync();
        await Assertions.Expect(fan.Locator("#messages li.msg-chat")).ToHaveCountAsync(1);
        await Assertions.Expect(fan.Locator("#messages li.msg-moderation").Last).ToContainTextAsync("deleted");
        await Assertions.Expect(mod.Locator("#messages li.msg-command").Last).ToContainTextAsync("/delete");

        await mod.Locator("#messages li.msg-chat", new() { HasText = "second message" }).Locator("button.mod-timeout").ClickAsync();
        await Assertions.Expect(fan.Locator("#messages li.msg-moderation").Last).ToContainTextAsync("fan was timed out for 60 s");
        await Assertions.Expect(fan.Locator("#messages li.msg-chat")).ToHaveCountAsync(0);
        await fan.FillAsync("#text", "let me talk");
        await fan.ClickAsync("#send");
        await Assertions.Expect(fan.Locator("#messages li.msg-blocked").Last).ToContainTextAsync("muted");

        await mod.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "browser-moderator.png"), FullPage = true });
    }

    [Fact]
    public async Task OfflinePage_ComesBackWithSince_AndShowsExactlyWhatItMissed_WithoutTheDeletedMessage()
    {
        var stream = "browser-recover-" + Guid.NewGuid().ToString("N")[..8];
        var mod = await OpenAsUserAsync("mia", "Mia", stream, "moderator");
        var fan = await OpenAsUserAsync("fan", "Fan", stream);
        await mod.FillAsync("#text", "seen before the drop");
        await mod.ClickAsync("#send");
        await fan.FillAsync("#text", "also seen, then retracted");
        await fan.ClickAsync("#send");
        await Assertions.Expect(fan.Locator("#messages li.msg-chat")).ToHaveCountAsync(2);
        await Assertions.Expect(mod.Locator("#messages li.msg-chat")).ToHaveCountAsync(2);

        // The fan's network goes; the page drops its socket and waits for the network.
        await fan.Context.SetOfflineAsync(true);
        await Assertions.Expect(fan.Locator("#status")).ToHaveTextAsync("Disconnected");
        await Assertions.Expect(mod.Locator("#messages li.msg-leave")).ToContainTextAsync("Fan left");

        foreach (var text in new[] { "missed one", "missed two", "missed three" })
        {
            await mod.FillAsync("#text", text);
            await mod.ClickAsync("#send");
        }

        await mod.Locator("#messages li.msg-chat", new() { HasText = "also seen, then retracted" }).Locator("button.mod-delete").ClickAsync();
        await Assertions.Expect(mod.Locator("#messages li.msg-command").Last).ToContainTextAsync("/delete");
        await fan.WaitForTimeoutAsync(300);
        Assert.Equal(2, await fan.Locator("#messages li.msg-chat").CountAsync());

        // Back online: the page reconnects with since and the server replays the gap, tombstone included.
        await fan.Context.SetOfflineAsync(false);
        await Assertions.Expect(fan.Locator("#messages li.msg-system").Last).ToContainTextAsync("catching up", new() { Timeout = 20_000 });
        await Assertions.Expect(fan.Locator("#messages li.msg-chat .body")).ToHaveTextAsync(["seen before the drop", "missed one", "missed two", "missed three"]);
        await fan.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "browser-recovery.png"), FullPage = true });
    }

    [Fact]
    public async Task RepliesReactionsWhispersAndTheViewerCount_AsThePageShowsThem()
    {
        var stream = "browser-extras-" + Guid.NewGuid().ToString("N")[..8];
        var alice = await OpenAsUserAsync("alice", "Alice", stream);
        var bob = await OpenAsUserAsync("bob", "Bob", stream);
        await Assertions.Expect(alice.Locator("#viewers")).ToHaveTextAsync("1 watching");
        await Assertions.Expect(bob.Locator("#viewers")).ToHaveTextAsync("2 watching");

        await alice.FillAsync("#text", "what a play");
        await alice.ClickAsync("#send");
        var onBob = bob.Locator("#messages li.msg-chat", new() { HasText = "what a play" }).First;
        await Assertions.Expect(onBob).ToHaveCountAsync(1);

        // Bob replies: Alice sees the quote.
        await onBob.Locator("button.reply").ClickAsync();
        await bob.FillAsync("#text", "agreed!");
        await bob.ClickAsync("#send");
        var reply = alice.Locator("#messages li.msg-chat", new() { HasText = "agreed!" });
        await Assertions.Expect(reply.Locator(".quote")).ToHaveTextAsync("↪ Alice: what a play");

        // Bob reacts: Alice's page shows the count.
        await onBob.Locator("button[data-emoji='🔥']").ClickAsync();
        await Assertions.Expect(alice.Locator("#messages li.msg-chat", new() { HasText = "what a play" }).First.Locator("button[data-emoji='🔥']")).ToHaveTextAsync("🔥 1");

        // Alice whispers to Bob.
        await alice.FillAsync("#whisper-to", "bob");
        await alice.FillAsync("#text", "secret hello");
        await alice.ClickAsync("#whisper");
        await Assertions.Expect(bob.Locator("#messages li.msg-whisper")).ToContainTextAsync("secret hello");
        await Assertions.Expect(alice.Locator("#messages li.msg-whisper")).ToContainTextAsync("Alice → bob");
        await alice.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "browser-extras.png"), FullPage = true });
    }

    [Fact]
    public async Task TokenField_ConnectsAsTheTokensUser_OnASampleWithJwtOnAndDevelopmentIdentityOff()
    {
        await using var factory = new SampleAppFactory(SampleJwtTests.JwtSettings(developmentIdentity: false));
        var page = await _browser.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(factory.BaseAddress.ToString());

        // Without a token the page's query identity is refused: development identity is off.
        await page.ClickAsync("#connect");
        await Assertions.Expect(page.Locator("#messages li.msg-system").Last).ToContainTextAsync("refused");

        await page.FillAsync("#token", TestTokens.Create(TestTokens.Hs256, sub: "tok-1", name: "Token Tess"));
        await page.ClickAsync("#connect");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected");
        await page.FillAsync("#text", "signed in with a token");
        await page.ClickAsync("#send");
        await Assertions.Expect(page.Locator("#messages li.msg-chat .who").Last).ToHaveTextAsync("Token Tess");
        await Assertions.Expect(page.Locator("#messages li.msg-chat.mine")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task InvalidIds_AreRefused_AndThePageSaysSo()
    {
        var page = await _browser.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(_factory.BaseAddress.ToString());
        await page.FillAsync("#userId", "not valid!");
        await page.ClickAsync("#connect");

        await Assertions.Expect(page.Locator("#messages li.msg-system").Last).ToContainTextAsync("refused");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Disconnected");
    }
}
