using System.Security.Claims;

namespace StreamChat.Core.Identity;

/// <summary>What a host knows about a handshake's identity, before any policy is applied.</summary>
/// <remarks>
/// A host fills in what its transport gives: the principal its authentication produced (ASP.NET Core's
/// <c>HttpContext.User</c>, a validated token's claims, an API Gateway authorizer's context), whether a token was
/// presented at all, and the development query parameters. The resolver alone decides what they mean.
/// </remarks>
public readonly record struct ChatIdentityRequest
{
    /// <summary>Gets the authenticated principal, or <see langword="null"/> when nobody was authenticated.</summary>
    public ClaimsPrincipal? User { get; init; }

    /// <summary>Gets a value indicating whether the handshake carried a token (<c>token</c> or <c>access_token</c>), valid or not.</summary>
    public bool TokenPresented { get; init; }

    /// <summary>Gets the <c>userId</c> query parameter (development identity only).</summary>
    public string? QueryUserId { get; init; }

    /// <summary>Gets the <c>username</c> query parameter (development identity only).</summary>
    public string? QueryUsername { get; init; }

    /// <summary>Gets the <c>role</c> query parameter (development identity only, for testing moderator features).</summary>
    public string? QueryRole { get; init; }
}
