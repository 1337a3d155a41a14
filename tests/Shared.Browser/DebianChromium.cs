using Microsoft.Playwright;

namespace StreamChat.Testing;

/// <summary>Debian's Chromium, driven by Playwright headless with the flags this closed network needs; its own browser download is never attempted.</summary>
internal static class DebianChromium
{
    private const string Path = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(Path))
        {
            throw new InvalidOperationException($"{Path} is missing. Install Debian's Chromium (apt-get install -y chromium) or run ./test.sh, which installs it.");
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
