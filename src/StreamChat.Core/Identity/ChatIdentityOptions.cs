using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.Identity;

/// <summary>Which claims carry a connection's identity (configuration section <c>StreamChat:Identity</c>).</summary>
public sealed class ChatIdentityOptions
{
    /// <summary>Gets or sets the claim holding the user id.</summary>
    /// <value>The default value is <c>sub</c> (also read as <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/>, which ASP.NET Core maps it to).</value>
    [Required]
    public string UserIdClaimType { get; set; } = IdentityConstants.DefaultUserIdClaimType;

    /// <summary>Gets or sets the claim holding the display name; without it the user id is shown.</summary>
    /// <value>The default value is <c>name</c>.</value>
    [Required]
    public string NameClaimType { get; set; } = IdentityConstants.DefaultNameClaimType;

    /// <summary>
    /// Gets or sets the claim holding the role: <c>viewer</c>, <c>moderator</c> or <c>broadcaster</c> (any case; several
    /// claims or a space-separated value give the highest). Other values are ignored.
    /// </summary>
    /// <value>The default value is <c>role</c> (also read as <see cref="System.Security.Claims.ClaimTypes.Role"/>).</value>
    [Required]
    public string RoleClaimType { get; set; } = IdentityConstants.DefaultRoleClaimType;
}
