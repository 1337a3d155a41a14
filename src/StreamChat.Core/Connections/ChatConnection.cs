using StreamChat.Core.Identity;

namespace StreamChat.Core.Connections;

/// <summary>
/// A connection to one stream, with the identity it was opened with. Identity is the connection's:
/// message bodies never change who speaks.
/// </summary>
/// <param name="ConnectionId">The transport's id for the connection (a Kestrel connection id or an API Gateway connection id).</param>
/// <param name="StreamId">The stream (room) the connection belongs to.</param>
/// <param name="UserId">The user's id.</param>
/// <param name="Username">The user's display name.</param>
/// <param name="ConnectedAt">When the connection was accepted.</param>
/// <param name="Role">The role the connection's identity carries.</param>
public sealed record ChatConnection(
    string ConnectionId,
    string StreamId,
    string UserId,
    string Username,
    DateTimeOffset ConnectedAt,
    ChatRole Role = ChatRole.Viewer);
