using System.Diagnostics;
using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.EndToEnd;

/// <summary>
/// Issue 19's fault matrix, the process killed during a broadcast, on the AWS host (docs/reliability.md): every sandbox
/// of the published Native AOT build is killed with SIGKILL while a burst is going out through the local gateway, which
/// starts new ones, as Lambda does. The sockets stay with the gateway; a message is stored before it is posted, so
/// every message any client received is in history afterwards.
/// </summary>
public sealed class SandboxCrashTests
{
    private const int Burst = 60;

    [Fact]
    public async Task SandboxesKilledDuringABroadcast_EveryMessageAnyClientReceived_IsInHistory()
    {
        var code = await PublishedLambda.AotAsync();
        await using var host = await LocalGatewayChatHost.StartAsync(code, o => o.RateLimits.Enabled = false);
        var watchers = new List<IChatTestConnection>();
        for (var i = 0; i < 3; i++)
        {
            watchers.Add(await host.ConnectAsync("crash", $"watcher{i}"));
        }

        await using var sender = await host.ConnectAsync("crash", "sender");
        var sending = Task.Run(async () =>
        {
            for (var n = 1; n <= Burst; n++)
            {
                await sender.SendMessageAsync($"burst {n:D3}");
            }
        });

        var received = new HashSet<string>(StringComparer.Ordinal);
        while (received.Count < Burst / 3)
        {
            received.Add((await watchers[0].ReceiveAsync("message")).GetProperty("message").GetString()!);
        }

        Assert.True(KillSandboxes(code) > 0, "No sandbox process was found to kill.");
        await sending;
        foreach (var watcher in watchers)
        {
            received.UnionWith(await MessagesUntilQuietAsync(watcher));
        }

        await using var reader = await host.ConnectAsync("crash", "reader");
        await reader.SendAsync("""{"action":"history","limit":100}""");
        var history = (await reader.ReceiveAsync("history", TimeSpan.FromSeconds(30))).GetProperty("messages").EnumerateArray()
            .Select(m => m.GetProperty("message").GetString()!).ToHashSet(StringComparer.Ordinal);

        Assert.InRange(received.Count, Burst / 3, Burst);
        Assert.Empty(received.Except(history));
        foreach (var watcher in watchers)
        {
            await watcher.DisposeAsync();
        }
    }

    private static async Task<List<string>> MessagesUntilQuietAsync(IChatTestConnection watcher)
    {
        var texts = new List<string>();
        try
        {
            while (true)
            {
                var frame = await watcher.ReceiveAsync(TimeSpan.FromSeconds(5));
                if (frame.GetProperty("type").GetString() == "message")
                {
                    texts.Add(frame.GetProperty("message").GetString()!);
                }
            }
        }
        catch (TimeoutException)
        {
            return texts;
        }
    }

    /// <summary>Kills this test process's sandbox children running <paramref name="code"/>'s bootstrap; returns how many.</summary>
    private static int KillSandboxes(string code)
    {
        var bootstrap = Path.GetFullPath(Path.Combine(code, "bootstrap"));
        var killed = 0;
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                if (new FileInfo(Path.Combine(directory, "exe")).LinkTarget != bootstrap)
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (parent != Environment.ProcessId)
                {
                    continue;
                }

                using var process = Process.GetProcessById(pid);
                process.Kill();
                killed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or FormatException)
            {
                // The process ended, or is not ours to read.
            }
        }

        return killed;
    }
}
