namespace StreamChat.Core.RateLimiting;

/// <summary>The argument rules every <see cref="IRateLimitCounter"/> applies, so implementations agree on bad input.</summary>
public static class RateLimitArguments
{
    /// <summary>The longest key.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>Checks the arguments of <see cref="IRateLimitCounter.TryAcquireAsync"/>.</summary>
    /// <param name="key">Not empty, at most <see cref="MaxKeyLength"/> characters.</param>
    /// <param name="permitLimit">At least 1.</param>
    /// <param name="window">At least one millisecond.</param>
    public static void Check(string key, int permitLimit, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(key.Length, MaxKeyLength, nameof(key));
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMilliseconds(1));
    }
}
