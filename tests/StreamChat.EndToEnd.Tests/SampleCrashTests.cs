using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StreamChat.Redis.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>
/// Issue 19's fault matrix, the process killed during a broadcast (docs/reliability.md): the Kestrel sample, built by the
/// test run, as a process of its own on a persistent Redis, is killed with SIGKILL while a burst is going out. A message
/// is stored before it is broadcast, so every message any client received is in the history the restarted server
/// returns; what is lost is what no client saw.
/// </summary>
public sealed class SampleCrashTests
{
    private const int Burst = 60;

    [Fact]
    public async Task KilledDuringABroadcast_EveryMessageAnyClientReceived_IsInHistoryAfterTheRestart()
    {
        await using var redis = await RedisServer.StartAsync(persistent: true);
        var first = StartSample(redis);
        var received = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var port = await WaitForPortAsync(first.Port);
            var watchers = new List<ChatTestClient>();
            for (var i = 0; i < 3; i++)
            {
                watchers.Add(await ChatTestClient.ConnectAsync(Chat(port, $"watcher{i}")));
            }

            await using var sender = await ChatTestClient.ConnectAsync(Chat(port, "sender"));
            foreach (var watcher in watchers)
            {
                await watcher.ReceiveAsync("welcome");
            }

            // The burst goes out without waiting; the server is killed once a third of it has reached a watcher.
            var sending = Task.Run(async () =>
            {
                for (var n = 1; n <= Burst; n++)
                {
                    try
                    {
                        await sender.SendMessageAsync($"burst {n:D3}");
                    }
                    catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException or InvalidOperationException)
                    {
                        return;
                    }
                }
            });
            var seen = 0;
            while (seen < Burst / 3)
            {
                var frame = await watchers[0].ReceiveAsync("message");
                received.Add(frame.GetProperty("message").GetString()!);
                seen++;
            }

            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync();
            await sending;

            // Whatever else reached any watcher before its socket died counts as delivered too.
            foreach (var watcher in watchers)
            {
                received.UnionWith(await RemainingMessagesAsync(watcher));
                await watcher.DisposeAsync();
            }
        }
        finally
        {
            Stop(first.Process);
        }

        var second = StartSample(redis);
        try
        {
            var port = await WaitForPortAsync(second.Port);
            await using var reader = await ChatTestClient.ConnectAsync(Chat(port, "reader"));
            await reader.ReceiveAsync("welcome");
            await reader.SendAsync("""{"action":"history","limit":100}""");
            var history = (await reader.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()!).ToHashSet(StringComparer.Ordinal);

            Assert.InRange(received.Count, Burst / 3, Burst);
            Assert.Empty(received.Except(history));
        }
        finally
        {
            Stop(second.Process);
        }
    }

    private static Uri Chat(int port, string user) => new($"ws://127.0.0.1:{port}/chat?streamId=crash&userId={user}&username={user}");

    private static async Task<List<string>> RemainingMessagesAsync(ChatTestClient watcher)
    {
        var texts = new List<string>();
        try
        {
            while (true)
            {
                var frame = await watcher.ReceiveAsync(TimeSpan.FromSeconds(2));
                if (frame.GetProperty("type").GetString() == "message")
                {
                    texts.Add(frame.GetProperty("message").GetString()!);
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or InvalidOperationException or System.Threading.Channels.ChannelClosedException)
        {
            return texts;
        }
    }

    /// <summary>The sample as the test run built it (artifacts/bin/StreamChat.Samples.Kestrel/CONFIGURATION), in a process of its own.</summary>
    private static (Process Process, int Port) StartSample(RedisServer redis)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var sampleDirectory = Path.Combine(testOutput.Parent!.Parent!.FullName, "StreamChat.Samples.Kestrel", testOutput.Name);
        var dll = Path.Combine(sampleDirectory, "StreamChat.Samples.Kestrel.dll");
        Assert.True(File.Exists(dll), $"The sample is not built at {dll}.");
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = sampleDirectory };
        info.ArgumentList.Add(dll);
        info.Environment["Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["ConnectionStrings__Redis"] = redis.Configuration;
        info.Environment["StreamChat__AllowDevelopmentIdentity"] = "true";
        info.Environment["StreamChat__RateLimits__Enabled"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, port);
    }

    private static async Task<int> WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return port;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
