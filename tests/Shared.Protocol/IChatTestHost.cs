namespace StreamChat.Testing;

/// <summary>A running chat host (Kestrel, or the Lambda handler behind an API Gateway stand-in) for the protocol tests.</summary>
internal interface IChatTestHost : IAsyncDisposable
{
    IServiceProvider Services { get; }

    /// <summary>Opens a connection; a welcome the host sends at open is consumed, so nothing is pending.</summary>
    Task<IChatTestConnection> ConnectAsync(string streamId, string userId, string? username = null, string? role = null);

    /// <summary>Tries a handshake that must be refused and returns its HTTP status.</summary>
    Task<int> ConnectExpectingRefusalAsync(string? streamId, string? userId, string? username);

    /// <summary>The close code a banned user's sockets get, or <see langword="null"/> where the transport sends none (API Gateway).</summary>
    int? BanCloseCode { get; }

    /// <summary>
    /// The close code a frame over the transport's own frame limit gets before it reaches the chat (API Gateway closes
    /// on a frame over 32 KB with 1009), or <see langword="null"/> where the chat answers it (<c>frame_too_large</c>).
    /// </summary>
    int? OversizedFrameCloseCode => null;

    /// <summary>
    /// Whether a text frame that is not valid UTF-8 fails the connection before it reaches the chat (RFC 6455 section
    /// 8.1, as .NET's WebSocket does on Kestrel: a 1007 close, or an abort when the socket goes first), instead of the
    /// chat seeing it and answering <c>invalid_json</c> (the Lambda handler gets text frames as strings).
    /// </summary>
    bool FailsConnectionOnInvalidUtf8Text => false;
}
