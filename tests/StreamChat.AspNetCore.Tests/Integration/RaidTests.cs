using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.AspNetCore.Tests.Integration;

/// <summary>Runs alone: the raid's latency is measured on the whole machine, not shared with other test classes.</summary>
[CollectionDefinition(nameof(RaidCollection), DisableParallelization = true)]
public sealed class RaidCollection;

/// <summary>A raid on the Kestrel host over real sockets: the rate limits hold, every raider is told, the moderator still gets through quickly.</summary>
[Collection(nameof(RaidCollection))]
public sealed class RaidTests(ITestOutputHelper output)
{
    private const int Raiders = 200;
    private const int MessagesEach = 50;
    private const int ViewerLimit = 20;
    private const int StreamPerSecond = 100;

    [Fact]
    public async Task Raid_200Connections50MessagesEach_RoomGetsOnlyWhatTheLimitsAllow_EveryRaiderIsTold_ModeratorGetsThrough()
    {
        // The default limits: 20 per 30 s per viewer (the window made longer than the raid, so the bound is exact) and 100
        // per second for the stream's viewers together. The 202 test clients share this machine's two cores with the
        // server, so their send queues are deepened and the server does not drop them as slow clients.
        await using var server = await ChatServer.StartAsync(
            o => o.RateLimits.Viewer.Window = TimeSpan.FromMinutes(5),
            s => s.SendQueueCapacity = 8192);
        await using var mod = await server.ConnectAsync("raid", "mia", role: "moderator");
        await using var watcher = await server.ConnectAsync("raid", "watcher");
        var raiders = new List<RaidClient>();
        for (var i = 0; i < Raiders; i++)
        {
            raiders.Add(await RaidClient.ConnectAsync(server.ChatUri("raid", "raider-" + i, "Raider " + i), "raider-" + i));
        }

        await mod.DrainAsync();
        await watcher.DrainAsync();

        var started = Stopwatch.StartNew();
        var raid = Task.WhenAll(raiders.Select((raider, i) => Task.Run(async () =>
        {
            for (var j = 0; j < MessagesEach; j++)
            {
                await raider.SendMessageAsync($"raid {i} wave {j}");
            }
        })));

        // The moderator chats through the raid; each message's latency is send to its own echo.
        var latencies = new List<double>();
        for (var k = 0; k < 40; k++)
        {
            var text = "mod update " + k;
            var sent = Stopwatch.GetTimestamp();
            await mod.SendMessageAsync(text);
            while ((await mod.ReceiveAsync("message")).GetProperty("message").GetString() != text)
            {
            }

            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            await Task.Delay(25);
        }

        await mod.SendMessageAsync("/timeout raider-0 600 raiding");
        var ack = await mod.ReceiveAsync("command_result");
        Assert.Equal("timeout", ack.GetProperty("command").GetString());
        await raid.DefaultTimeout();
        var raidSeconds = started.Elapsed.TotalSeconds;

        var seen = await watcher.DrainAsync();
        var fromRaiders = seen.Count(f => ProtocolAssert.Type(f) == "message" && f.GetProperty("userId").GetString()!.StartsWith("raider-", StringComparison.Ordinal));
        var fromMod = seen.Count(f => ProtocolAssert.Type(f) == "message" && f.GetProperty("userId").GetString() == "mia");
        var told = 0;
        var blocked = 0;
        foreach (var raider in raiders)
        {
            await raider.PingAndWaitForPongAsync();
            Assert.Equal(raider.Blocked, raider.RateLimitedWithRetryAfter);
            told += raider.Blocked >= MessagesEach - ViewerLimit && raider.Blocked + raider.Delivered == MessagesEach ? 1 : 0;
            blocked += raider.Blocked;
            await raider.DisposeAsync();
        }

        latencies.Sort();
        var p99 = latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
        var streamAllowance = StreamPerSecond * ((int)Math.Ceiling(raidSeconds) + 1);
        output.WriteLine("latencies (ms, sorted): " + string.Join(" ", latencies.Select(l => l.ToString("0", System.Globalization.CultureInfo.InvariantCulture))));
        output.WriteLine($"raid of {Raiders}x{MessagesEach} in {raidSeconds:0.0} s: {fromRaiders} raider messages reached the room (limits {Raiders * ViewerLimit} per user, {streamAllowance} for the stream), {blocked} blocked, {told} raiders told, moderator p50 {latencies[latencies.Count / 2]:0} ms p99 {p99:0} ms");

        // Every raider message was either delivered or refused with a reason: nothing lost, nothing over the limits.
        Assert.Equal(Raiders * MessagesEach, fromRaiders + blocked);
        Assert.InRange(fromRaiders, 1, Math.Min(Raiders * ViewerLimit, streamAllowance));
        Assert.Equal(Raiders, told);
        Assert.Equal(40, fromMod);
        Assert.True(p99 < 250, $"moderator p99 delivery latency {p99:0} ms");
    }

    /// <summary>
    /// A raider that reads like a browser tab but cheaply: it counts what it is told by scanning each frame's bytes
    /// instead of parsing them, so 200 of them do not starve the server and the moderator of the machine's two cores.
    /// </summary>
    private sealed class RaidClient : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly Task _loop;
        private readonly TaskCompletionSource _pong = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly byte[] _ownMessage;

        private RaidClient(ClientWebSocket socket, string userId)
        {
            _socket = socket;
            _ownMessage = Encoding.UTF8.GetBytes($"\"userId\":\"{userId}\"");
            _loop = Task.Run(ReceiveAsync);
        }

        public int Blocked { get; private set; }

        public int RateLimitedWithRetryAfter { get; private set; }

        public int Delivered { get; private set; }

        public static async Task<RaidClient> ConnectAsync(Uri uri, string userId)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(uri, CancellationToken.None).DefaultTimeout();
            return new RaidClient(socket, userId);
        }

        public Task SendMessageAsync(string text) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes($$"""{"action":"message","message":"{{text}}"}"""), WebSocketMessageType.Text, true, CancellationToken.None);

        public async Task PingAndWaitForPongAsync()
        {
            await _socket.SendAsync("""{"action":"ping"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
            await _pong.Task.DefaultTimeout();
        }

        public async ValueTask DisposeAsync()
        {
            _socket.Abort();
            await _loop.ContinueWith(static _ => { }, TaskScheduler.Default);
            _socket.Dispose();
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var frame = buffer.AsSpan(0, length);
                if (frame.IndexOf("\"type\":\"message_blocked\""u8) >= 0)
                {
                    Blocked++;
                    if (frame.IndexOf("\"reason\":\"rate_limited\""u8) >= 0 && frame.IndexOf("\"retryAfter\":"u8) >= 0)
                    {
                        RateLimitedWithRetryAfter++;
                    }
                }
                else if (frame.IndexOf("\"type\":\"message\""u8) >= 0 && frame.IndexOf(_ownMessage) >= 0)
                {
                    Delivered++;
                }
                else if (frame.IndexOf("\"type\":\"pong\""u8) >= 0)
                {
                    _pong.TrySetResult();
                }

                length = 0;
            }
        }
    }
}
