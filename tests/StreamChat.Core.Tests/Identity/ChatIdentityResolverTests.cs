using System.Security.Claims;
using Microsoft.Extensions.Options;
using StreamChat.Core.Identity;
using StreamChat.Core.Identity.Internal;

namespace StreamChat.Core.Tests.Identity;

public sealed class ChatIdentityResolverTests
{
    private readonly StreamChatOptions _options = new();

    private ChatIdentityResolver CreateSut() => new(Options.Create(_options));

    private static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, authenticationType: "Test"));

    [Fact]
    public async Task ResolveAsync_AuthenticatedPrincipal_TakesSubNameAndTheHighestRole()
    {
        var user = User(new Claim("sub", "ana-42"), new Claim("name", "Ana"), new Claim("role", "viewer"), new Claim("role", "moderator"), new Claim("role", "admin"));

        var result = await CreateSut().ResolveAsync(new ChatIdentityRequest { User = user, QueryUserId = "spoofed" });

        Assert.Equal(new ChatIdentity("ana-42", "Ana", ChatRole.Moderator), result.Identity);
    }

    [Fact]
    public async Task ResolveAsync_ClaimsMappedByAspNetCore_AreReadToo()
    {
        var user = User(new Claim(ClaimTypes.NameIdentifier, "ana-42"), new Claim(ClaimTypes.Name, "Ana"), new Claim(ClaimTypes.Role, "Broadcaster"));

        var result = await CreateSut().ResolveAsync(new ChatIdentityRequest { User = user });

        Assert.Equal(new ChatIdentity("ana-42", "Ana", ChatRole.Broadcaster), result.Identity);
    }

    [Fact]
    public async Task ResolveAsync_ConfiguredClaimTypes_AreTheOnesRead()
    {
        _options.Identity.UserIdClaimType = "uid";
        _options.Identity.NameClaimType = "display";
        _options.Identity.RoleClaimType = "chat_roles";
        var user = User(new Claim("sub", "wrong"), new Claim("uid", "u-1"), new Claim("display", "Una"), new Claim("role", "broadcaster"), new Claim("chat_roles", "viewer moderator"));

        var result = await CreateSut().ResolveAsync(new ChatIdentityRequest { User = user });

        Assert.Equal(new ChatIdentity("u-1", "Una", ChatRole.Moderator), result.Identity);
    }

    [Fact]
    public async Task ResolveAsync_NoName_ShowsTheUserId()
    {
        var result = await CreateSut().ResolveAsync(new ChatIdentityRequest { User = User(new Claim("sub", "ana-42")) });

        Assert.Equal("ana-42", result.Identity!.Username);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ResolveAsync_TokenPresentedButNotAuthenticated_IsRefusedWith401_WhateverDevelopmentIdentitySays(bool developmentIdentity)
    {
        _options.AllowDevelopmentIdentity = developmentIdentity;

        var result = await CreateSut().ResolveAsync(new ChatIdentityRequest { User = new ClaimsPrincipal(new ClaimsIdentity()), TokenPresented = true, QueryUserId = "ana", QueryUsername = "Ana" });

        Assert.False(result.IsResolved);
        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public async Task ResolveAsync_QueryIdentity_IsRefusedWith401_UnlessDevelopmentIdentityIsOn()
    {
        var request = new ChatIdentityRequest { QueryUserId = "ana", QueryUsername = "Ana", QueryRole = "moderator" };

        var off = await CreateSut().ResolveAsync(request);
        _options.AllowDevelopmentIdentity = true;
        var on = await CreateSut().ResolveAsync(request);

        Assert.Equal(401, off.StatusCode);
        Assert.Contains("AllowDevelopmentIdentity", off.Reason, StringComparison.Ordinal);
        Assert.Equal(new ChatIdentity("ana", "Ana", ChatRole.Moderator), on.Identity);
    }

    [Theory]
    [InlineData(null, ChatRole.Viewer)]
    [InlineData("", ChatRole.Viewer)]
    [InlineData("superuser", ChatRole.Viewer)]
    [InlineData("MODERATOR", ChatRole.Moderator)]
    [InlineData("moderator broadcaster", ChatRole.Broadcaster)]
    [InlineData("broadcaster,moderator", ChatRole.Broadcaster)]
    public void ParseRoles_TakesTheHighestKnownRole(string? value, ChatRole expected) =>
        Assert.Equal(expected, ChatIdentityResolver.ParseRoles(value));
}
