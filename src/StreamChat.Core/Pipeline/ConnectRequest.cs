namespace StreamChat.Core.Pipeline;

/// <summary>A connection asking to join a stream, with the identity its host resolved.</summary>
/// <param name="ConnectionId">The transport's connection id.</param>
/// <param name="StreamId">The <c>streamId</c> from the connection URL, or <see langword="null"/> if absent.</param>
/// <param name="UserId">The user id (from a token or, in development, the query string).</param>
/// <param name="Username">The display name (from a token or, in development, the query string).</param>
public sealed record ConnectRequest(string ConnectionId, string? StreamId, string? UserId, string? Username);
