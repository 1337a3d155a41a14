using StreamChat.Core.RateLimiting;
using StreamChat.Core.RateLimiting.Internal;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.RateLimiting;

public sealed class InMemoryRateLimitCounterTests : RateLimitCounterTestsBase
{
    protected override Task<(IRateLimitCounter First, IRateLimitCounter Second)> CreateCountersAsync()
    {
        var counter = new InMemoryRateLimitCounter(Time);
        return Task.FromResult<(IRateLimitCounter, IRateLimitCounter)>((counter, counter));
    }

    [Fact]
    public async Task ManyKeys_ClosedWindowsAreSwept_AndOpenOnesKeepCounting()
    {
        var counter = new InMemoryRateLimitCounter(Time);
        Assert.True((await counter.TryAcquireAsync("keep", 1, TimeSpan.FromHours(1)).DefaultTimeout()).IsAllowed);
        for (var i = 0; i < 5_000; i++)
        {
            await counter.TryAcquireAsync("k" + i, 1, TimeSpan.FromSeconds(1)).DefaultTimeout();
        }

        Time.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 5_000; i++)
        {
            Assert.True((await counter.TryAcquireAsync("n" + i, 1, TimeSpan.FromSeconds(1)).DefaultTimeout()).IsAllowed);
        }

        Assert.False((await counter.TryAcquireAsync("keep", 1, TimeSpan.FromHours(1)).DefaultTimeout()).IsAllowed);
    }
}
