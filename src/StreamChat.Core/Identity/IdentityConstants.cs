namespace StreamChat.Core.Identity;

internal static class IdentityConstants
{
    public const string DefaultUserIdClaimType = "sub";
    public const string DefaultNameClaimType = "name";
    public const string DefaultRoleClaimType = "role";
}
