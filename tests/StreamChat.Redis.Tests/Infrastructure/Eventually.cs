using StreamChat.Testing;

namespace StreamChat.Redis.Tests.Infrastructure;

/// <summary>Waits for something another node (or Redis) does in its own time, failing with what was awaited.</summary>
internal static class Eventually
{
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(await condition(), "timed out waiting for " + what);
    }

    public static Task WaitForAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitForAsync(() => Task.FromResult(condition()), what, timeout);
}
