namespace StreamChat.Core.Identity;

/// <summary>Who a connection speaks as: set once at connect time, never changed by a message body.</summary>
/// <param name="UserId">The user's id (a token's <c>sub</c>, an authorizer's <c>principalId</c>, or in development the query string).</param>
/// <param name="Username">The display name.</param>
/// <param name="Role">The highest role the identity carries.</param>
public sealed record ChatIdentity(string UserId, string Username, ChatRole Role = ChatRole.Viewer);
