using System.Net.WebSockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamChat.AspNetCore.Connections;

namespace StreamChat.AspNetCore.Internal;

/// <summary>Closes every local socket with "going away" when the app stops, so clients see a clean close, not a reset.</summary>
internal sealed partial class LocalConnectionShutdown
{
    private readonly LocalConnectionRegistry _registry;
    private readonly ILogger _logger;

    public LocalConnectionShutdown(LocalConnectionRegistry registry, IHostApplicationLifetime lifetime, ILogger<LocalConnectionShutdown> logger)
    {
        _registry = registry;
        _logger = logger;
        lifetime.ApplicationStopping.Register(static state => ((LocalConnectionShutdown)state!).CloseAll(), this);
    }

    private void CloseAll()
    {
        var connections = _registry.Snapshot();
        if (connections.Count > 0)
        {
            Log.ClosingAll(_logger, connections.Count);
        }

        foreach (var connection in connections)
        {
            connection.Close((int)WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Server stopping: closing {Count} chat connections.", EventName = "ClosingAll")]
        public static partial void ClosingAll(ILogger logger, int count);
    }
}
