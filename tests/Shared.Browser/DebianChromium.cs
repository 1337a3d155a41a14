using Microsoft.Playwright;

namespace StreamChat.Testing;

/// <summary>Debian's Chromium, driven by Playwright headless with the flags this closed network needs; its own browser download is never attempted.</summary>
internal static class DebianChromium
{
    private const string Path = "/usr/bin/chromium";

    /// <summary>
    /// How long an <c>Expect(...)</c> waits, the same as the pages' action timeout (15 s). Playwright's default is 5 s,
    /// which a Lambda round trip through the local gateway outlasted on CI's two cores while the other test classes
    /// started their own sandboxes (a blocked-notice that takes about 0.1 s alone).
    /// </summary>
    public const float ExpectTimeoutMilliseconds = 15_000;

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"{Path} is missing. Install Debian's Chromium (apt-get install -y chromium) or run ./test.sh, which installs it.");
        }

        Assertions.SetDefaultExpectTimeout(ExpectTimeoutMilliseconds);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
