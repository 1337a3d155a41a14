using StreamChat.Core.Identity;

namespace StreamChat.Core.Pipeline;

/// <summary>A connection asking to join a stream, with the identity its host resolved.</summary>
/// <param name="ConnectionId">The transport's connection id.</param>
/// <param name="StreamId">The <c>streamId</c> from the connection URL, or <see langword="null"/> if absent.</param>
/// <param name="UserId">The user id (from a token or, in development, the query string).</param>
/// <param name="Username">The display name (from a token or, in development, the query string).</param>
/// <param name="Role">The role the identity carries.</param>
public sealed record ConnectRequest(string ConnectionId, string? StreamId, string? UserId, string? Username, ChatRole Role = ChatRole.Viewer)
{
    /// <summary>Gets the client's address (for the per-address handshake limit), if the host knows it.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Creates a request for a resolved identity.</summary>
    /// <param name="connectionId">The transport's connection id.</param>
    /// <param name="streamId">The <c>streamId</c> from the connection URL, or <see langword="null"/> if absent.</param>
    /// <param name="identity">The identity <see cref="IChatIdentityResolver"/> resolved.</param>
    /// <returns>The request.</returns>
    public static ConnectRequest For(string connectionId, string? streamId, ChatIdentity identity) => For(connectionId, streamId, identity, null);

    /// <summary>Creates a request for a resolved identity, with the client's address.</summary>
    /// <param name="connectionId">The transport's connection id.</param>
    /// <param name="streamId">The <c>streamId</c> from the connection URL, or <see langword="null"/> if absent.</param>
    /// <param name="identity">The identity <see cref="IChatIdentityResolver"/> resolved.</param>
    /// <param name="remoteAddress">The client's address, or <see langword="null"/> if unknown.</param>
    /// <returns>The request.</returns>
    public static ConnectRequest For(string connectionId, string? streamId, ChatIdentity identity, string? remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new ConnectRequest(connectionId, streamId, identity.UserId, identity.Username, identity.Role) { RemoteAddress = remoteAddress };
    }
}
