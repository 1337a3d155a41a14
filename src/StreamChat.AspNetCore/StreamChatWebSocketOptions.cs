using System.ComponentModel.DataAnnotations;

namespace StreamChat.AspNetCore;

/// <summary>Options of the ASP.NET Core WebSocket host.</summary>
public sealed class StreamChatWebSocketOptions
{
    /// <summary>
    /// Gets or sets how many frames may wait to be written to one connection. A connection whose queue
    /// is full cannot keep up with its stream and is closed, so it never slows the others.
    /// </summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 1_000_000)]
    public int SendQueueCapacity { get; set; } = WebSocketConstants.DefaultSendQueueCapacity;

    /// <summary>Gets or sets how often the server pings idle connections at the WebSocket level.</summary>
    /// <value>The default value is 30 seconds. <see cref="TimeSpan.Zero"/> turns keep-alive off.</value>
    public TimeSpan KeepAliveInterval { get; set; } = WebSocketConstants.DefaultKeepAliveInterval;

    /// <summary>Gets or sets how long a closing connection may take to finish its close handshake before it is aborted.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan CloseTimeout { get; set; } = WebSocketConstants.DefaultCloseTimeout;

    /// <summary>Gets or sets the size of each connection's receive buffer in bytes; larger frames are assembled from several reads.</summary>
    /// <value>The default value is 4096.</value>
    [Range(256, 1_048_576)]
    public int ReceiveBufferSize { get; set; } = WebSocketConstants.DefaultReceiveBufferSize;

    /// <summary>
    /// Gets the origins (e.g. <c>https://watch.example.com</c>) whose pages may open a chat connection; a handshake from
    /// any other origin, or without one, is refused with 403.
    /// </summary>
    /// <value>
    /// Empty by default: clients that send no <c>Origin</c> (native apps, wscat) and same-origin pages are accepted and
    /// cross-origin pages refused with 403, unless development identity is on.
    /// </value>
    public IList<string> AllowedOrigins { get; } = [];
}
