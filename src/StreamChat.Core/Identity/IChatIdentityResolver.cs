namespace StreamChat.Core.Identity;

/// <summary>
/// The one identity policy of every host: turns what a handshake carried (an authenticated principal, a token that
/// failed, development query parameters) into a user id, display name and role, or a refusal.
/// </summary>
/// <remarks>
/// Registered as a singleton and called once per handshake, concurrently; implementations must be thread-safe. The
/// default reads the claims named by <see cref="ChatIdentityOptions"/> and honours
/// <see cref="StreamChatOptions.AllowDevelopmentIdentity"/>. The pipeline validates the result's ids afterwards.
/// </remarks>
public interface IChatIdentityResolver
{
    /// <summary>Resolves the identity of one handshake.</summary>
    /// <param name="request">What the host knows about the handshake.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The identity, or a refusal (401) the host answers the handshake with.</returns>
    ValueTask<ChatIdentityResult> ResolveAsync(ChatIdentityRequest request, CancellationToken cancellationToken = default);
}
