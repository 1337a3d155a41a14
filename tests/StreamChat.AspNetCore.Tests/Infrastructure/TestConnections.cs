using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using StreamChat.AspNetCore;
using StreamChat.AspNetCore.Internal;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Infrastructure;

/// <summary>Connections over a real server-side WebSocket whose stream the test controls, and what tests send and wait for.</summary>
internal static class TestConnections
{
    public static WebSocketChatConnection Create(
        ControlledStream stream,
        SendPumpScheduler scheduler,
        int capacity = 1024,
        TimeSpan? closeTimeout = null,
        string connectionId = "c1",
        string userId = "u1")
    {
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        return new WebSocketChatConnection(connectionId, "live", userId, socket, new StreamChatWebSocketOptions { SendQueueCapacity = capacity, CloseTimeout = closeTimeout ?? TimeSpan.FromSeconds(5) }, scheduler, NullLogger.Instance);
    }

    public static ReadOnlyMemory<byte> Frame(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>Polls until <paramref name="condition"/> holds or the default test timeout passes; the caller asserts.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}
