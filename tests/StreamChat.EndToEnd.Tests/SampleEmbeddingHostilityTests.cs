using Microsoft.Playwright;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>
/// The sample with StreamChat.Moderation.Onnx switched on the documented way (<c>Sample__EmbeddingHostility=true</c>),
/// and the test page in Chromium showing what it does: a hostile line the word patterns let through is blocked for
/// toxicity, for its sender only.
/// </summary>
public sealed class SampleEmbeddingHostilityTests : IAsyncLifetime
{
    private readonly SampleAppFactory _factory = new(new Dictionary<string, string> { ["Sample:EmbeddingHostility"] = "true" });
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task ThePage_ShowsAHostileLineThePatternsMiss_BlockedForToxicity_ForItsSenderOnly()
    {
        var stream = "onnx-" + Guid.NewGuid().ToString("N")[..8];
        var alice = await OpenAsync("alice", "Alice", stream);
        var bob = await OpenAsync("bob", "Bob", stream);
        await Assertions.Expect(alice.Locator("#messages li.msg-join")).ToContainTextAsync("Bob joined");

        await alice.FillAsync("#text", "you have zero talent and zero charisma");
        await alice.ClickAsync("#send");
        await Assertions.Expect(alice.Locator("#messages li.msg-blocked")).ToContainTextAsync("toxicity");

        await alice.FillAsync("#text", "you should try the other build, it's really good");
        await alice.ClickAsync("#send");
        await Assertions.Expect(bob.Locator("#messages li.msg-chat").Last).ToContainTextAsync("try the other build");
        await Assertions.Expect(bob.Locator("#messages")).Not.ToContainTextAsync("charisma");
    }

    private async Task<IPage> OpenAsync(string userId, string username, string streamId)
    {
        var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync(new Uri(_factory.BaseAddress, $"/?userId={userId}&username={username}&streamId={streamId}").ToString());
        await page.ClickAsync("#connect");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Connected");
        return page;
    }
}
