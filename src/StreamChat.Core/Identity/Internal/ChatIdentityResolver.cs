using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace StreamChat.Core.Identity.Internal;

/// <summary>
/// The default identity policy: an authenticated principal wins; a token that was presented but did not authenticate
/// is refused (even in development, so a bad token never falls back to the query string); otherwise the query string
/// speaks only where development identity is switched on.
/// </summary>
internal sealed class ChatIdentityResolver : IChatIdentityResolver
{
    private const string AuthenticationRequired =
        "Authentication is required: pass a token as ?token=JWT. (For local development, set StreamChat:AllowDevelopmentIdentity to true to take userId and username from the query string.)";

    private const string TokenRefused = "The token is missing, expired, not yet valid, unsigned or wrongly signed, or was issued for another audience.";

    private readonly StreamChatOptions _options;

    public ChatIdentityResolver(IOptions<StreamChatOptions> options) => _options = options.Value;

    public ValueTask<ChatIdentityResult> ResolveAsync(ChatIdentityRequest request, CancellationToken cancellationToken = default)
    {
        if (request.User?.Identity?.IsAuthenticated == true)
        {
            return ValueTask.FromResult(ChatIdentityResult.Resolved(FromClaims(request.User)));
        }

        if (request.TokenPresented)
        {
            return ValueTask.FromResult(ChatIdentityResult.Refused(401, TokenRefused));
        }

        if (!_options.AllowDevelopmentIdentity)
        {
            return ValueTask.FromResult(ChatIdentityResult.Refused(401, AuthenticationRequired));
        }

        // The pipeline refuses missing or malformed ids with 400, as for any identity.
        var identity = new ChatIdentity(request.QueryUserId ?? string.Empty, request.QueryUsername ?? string.Empty, ParseRoles(request.QueryRole));
        return ValueTask.FromResult(ChatIdentityResult.Resolved(identity));
    }

    private ChatIdentity FromClaims(ClaimsPrincipal user)
    {
        var names = _options.Identity;
        var userId = Find(user, names.UserIdClaimType, IdentityConstants.DefaultUserIdClaimType, ClaimTypes.NameIdentifier) ?? string.Empty;
        var username = Find(user, names.NameClaimType, IdentityConstants.DefaultNameClaimType, ClaimTypes.Name) ?? user.Identity?.Name ?? userId;
        var role = ChatRole.Viewer;
        foreach (var claim in user.Claims)
        {
            if (IsType(claim.Type, names.RoleClaimType, IdentityConstants.DefaultRoleClaimType, ClaimTypes.Role))
            {
                role = Max(role, ParseRoles(claim.Value));
            }
        }

        return new ChatIdentity(userId, username, role);
    }

    private static string? Find(ClaimsPrincipal user, string configured, string standard, string mapped)
    {
        foreach (var claim in user.Claims)
        {
            if (IsType(claim.Type, configured, standard, mapped) && claim.Value.Length > 0)
            {
                return claim.Value;
            }
        }

        return null;
    }

    // ASP.NET Core maps the JWT names to ClaimTypes URIs unless told not to; accept both spellings of the standard name.
    private static bool IsType(string type, string configured, string standard, string mapped) =>
        string.Equals(type, configured, StringComparison.Ordinal)
        || (string.Equals(configured, standard, StringComparison.Ordinal) && string.Equals(type, mapped, StringComparison.Ordinal));

    /// <summary>The highest known role in a value such as <c>moderator</c> or <c>viewer moderator</c>; unknown words are ignored.</summary>
    internal static ChatRole ParseRoles(string? value)
    {
        var role = ChatRole.Viewer;
        if (string.IsNullOrEmpty(value))
        {
            return role;
        }

        foreach (var word in value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (word.Equals("broadcaster", StringComparison.OrdinalIgnoreCase))
            {
                role = ChatRole.Broadcaster;
            }
            else if (word.Equals("moderator", StringComparison.OrdinalIgnoreCase))
            {
                role = Max(role, ChatRole.Moderator);
            }
        }

        return role;
    }

    private static ChatRole Max(ChatRole a, ChatRole b) => a > b ? a : b;
}
