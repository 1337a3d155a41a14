namespace StreamChat.Core.Identity;

/// <summary>The outcome of resolving a handshake's identity: an identity, or a refusal with the status to answer.</summary>
public readonly record struct ChatIdentityResult
{
    private ChatIdentityResult(ChatIdentity? identity, int statusCode, string? reason)
    {
        Identity = identity;
        StatusCode = statusCode;
        Reason = reason;
    }

    /// <summary>Gets the resolved identity; <see langword="null"/> when refused.</summary>
    public ChatIdentity? Identity { get; }

    /// <summary>Gets a value indicating whether an identity was resolved.</summary>
    public bool IsResolved => Identity is not null;

    /// <summary>Gets the HTTP status for a refused handshake (401), or 200.</summary>
    public int StatusCode { get; }

    /// <summary>Gets why the identity was refused, as a sentence for the client; <see langword="null"/> when resolved.</summary>
    public string? Reason { get; }

    /// <summary>Creates a resolved result.</summary>
    /// <param name="identity">The identity.</param>
    /// <returns>The result.</returns>
    public static ChatIdentityResult Resolved(ChatIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new ChatIdentityResult(identity, 200, null);
    }

    /// <summary>Creates a refusal.</summary>
    /// <param name="statusCode">The HTTP status (401 for missing or invalid credentials).</param>
    /// <param name="reason">A sentence saying why.</param>
    /// <returns>The result.</returns>
    public static ChatIdentityResult Refused(int statusCode, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new ChatIdentityResult(null, statusCode, reason);
    }
}
