using StreamChat.Core.Connections;

namespace StreamChat.Core.Pipeline;

/// <summary>The pipeline's answer to a connection request.</summary>
public readonly record struct ConnectResult
{
    private ConnectResult(ChatConnection? connection, int statusCode, string? reason)
    {
        Connection = connection;
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>Gets a value indicating whether the connection was accepted and stored.</summary>
    public bool IsAccepted => Connection is not null;

    /// <summary>Gets the stored connection when accepted.</summary>
    public ChatConnection? Connection { get; }

    /// <summary>Gets the HTTP status for the handshake: 200 when accepted, 4xx or 5xx when refused.</summary>
    public int StatusCode { get; }

    /// <summary>Gets why the connection was refused, as a sentence for the client; <see langword="null"/> when accepted.</summary>
    public string? Reason { get; }

    /// <summary>Creates an accepted result.</summary>
    /// <param name="connection">The stored connection.</param>
    /// <returns>The result.</returns>
    public static ConnectResult Accept(ChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new ConnectResult(connection, 200, null);
    }

    /// <summary>Creates a refused result.</summary>
    /// <param name="statusCode">The HTTP status (400, 401, 403, 429, 5xx).</param>
    /// <param name="reason">A sentence saying why.</param>
    /// <returns>The result.</returns>
    public static ConnectResult Refuse(int statusCode, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new ConnectResult(null, statusCode, reason);
    }
}
