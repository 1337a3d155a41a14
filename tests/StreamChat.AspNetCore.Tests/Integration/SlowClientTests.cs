using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Integration;

public sealed class SlowClientTests
{
    /// <summary>
    /// Opens a WebSocket with a raw socket that completes the handshake and then never reads,
    /// with a tiny receive buffer, so the server's writes to it back up.
    /// </summary>
    private static async Task<Socket> ConnectNonReadingClientAsync(Uri chatUri)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(chatUri.Host, chatUri.Port).DefaultTimeout();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {chatUri.PathAndQuery} HTTP/1.1\r\nHost: {chatUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request)).DefaultTimeout();

        // Read exactly the response headers (byte by byte, so no frame bytes are consumed).
        var headers = new StringBuilder();
        var one = new byte[1];
        while (!headers.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await socket.ReceiveAsync(one).DefaultTimeout());
            headers.Append((char)one[0]);
        }

        Assert.StartsWith("HTTP/1.1 101", headers.ToString(), StringComparison.Ordinal);
        return socket;
    }

    [Fact]
    public async Task SlowClient_IsDropped_WithoutDelayingTheOthers()
    {
        await using var server = await ChatServer.StartAsync(
            o =>
            {
                o.MaxMessageLength = 8000;
                o.RateLimits.Enabled = false;
            },
            s => s.SendQueueCapacity = 256);
        await using var publisher = await server.ConnectAsync("live", "publisher");
        await using var fast = await server.ConnectAsync("live", "fast");
        using var slow = await ConnectNonReadingClientAsync(server.ChatUri("live", "slow", "Slow"));
        await fast.ReceiveAsync("user_joined");
        await publisher.DrainAsync();

        // About 12 MB in total: more than the slow socket's kernel buffers (at most 4 MB here) plus its 2 MB queue can hold.
        const int count = 1500;
        var payload = string.Concat(Enumerable.Repeat("abcdefghij", 799));
        var stopwatch = Stopwatch.StartNew();
        var worstGap = TimeSpan.Zero;
        var last = stopwatch.Elapsed;
        var sends = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await publisher.SendMessageAsync(i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + payload);

                // Paced at about 500 messages (4 MB) a second: a reader can keep up, a non-reader cannot.
                if (i % 10 == 9)
                {
                    await Task.Delay(20);
                }
            }
        });

        var slowLeft = false;
        var received = 0;
        while (received < count)
        {
            System.Text.Json.JsonElement frame;
            try
            {
                frame = await fast.ReceiveAsync();
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"The fast client stopped receiving after {received} of {count} messages (slow client left: {slowLeft}, sends finished: {sends.IsCompleted}, sends faulted: {sends.Exception?.GetBaseException().Message}).", ex);
            }

            var now = stopwatch.Elapsed;
            worstGap = now - last > worstGap ? now - last : worstGap;
            last = now;
            switch (frame.GetProperty("type").GetString())
            {
                case "message":
                    Assert.StartsWith(received.ToString("D5", System.Globalization.CultureInfo.InvariantCulture), frame.GetProperty("message").GetString(), StringComparison.Ordinal);
                    received++;
                    break;
                case "user_left":
                    Assert.Equal("slow", frame.GetProperty("userId").GetString());
                    slowLeft = true;
                    break;
            }
        }

        await sends.DefaultTimeout();
        if (!slowLeft)
        {
            Assert.Equal("slow", (await fast.ReceiveAsync("user_left")).GetProperty("userId").GetString());
        }

        // The fast reader kept receiving throughout: no pause anywhere near the close timeout (5 s)
        // that a slow consumer would cause if the room waited on it.
        Assert.True(worstGap < TimeSpan.FromSeconds(2), $"The fast client waited {worstGap} between two frames.");
        Assert.Equal(2, await server.Services.GetRequiredService<StreamChat.Core.Connections.IConnectionStore>().CountAsync("live"));
    }
}
