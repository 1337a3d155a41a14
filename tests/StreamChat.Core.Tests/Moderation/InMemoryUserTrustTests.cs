using Microsoft.Extensions.Options;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;

namespace StreamChat.Core.Tests.Moderation;

/// <summary>The conformance suite, and the bound of the table, for the in-memory default.</summary>
public sealed class InMemoryUserTrustTests : UserTrustTestsBase
{
    protected override Task<(IUserTrust First, IUserTrust Second)> CreateAsync(Action<TrustOptions>? configure = null)
    {
        var trust = Trust(configure);
        return Task.FromResult<(IUserTrust, IUserTrust)>((trust, trust));
    }

    private InMemoryUserTrust Trust(Action<TrustOptions>? configure = null)
    {
        var options = new StreamChatOptions();
        configure?.Invoke(options.Moderation.Trust);
        return new InMemoryUserTrust(Options.Create(options), Time);
    }

    [Fact]
    public async Task Table_IsBounded_LeastRecentlySeenGoFirst()
    {
        var trust = Trust(o => o.MaxTrackedUsers = 100);
        for (var i = 0; i < 3; i++)
        {
            await trust.RecordAsync("s1", "regular", ModerationResult.Allowed);
        }

        for (var i = 0; i < 500; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            for (var k = 0; k < 3; k++)
            {
                await trust.RecordAsync("s1", "user-" + i, ModerationResult.Allowed); // trusted while it is kept
            }

            await trust.RecordAsync("s1", "regular", ModerationResult.Allowed);
        }

        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "regular"));
        Assert.Equal(UserTrustLevel.New, await trust.GetLevelAsync("s1", "user-0"));   // dropped: starts again as new
        Assert.Equal(UserTrustLevel.Trusted, await trust.GetLevelAsync("s1", "user-499"));
    }
}
