namespace StreamChat.Core.RateLimiting;

/// <summary>The answer of <see cref="IRateLimitCounter.TryAcquireAsync"/>.</summary>
public readonly record struct RateLimitDecision
{
    private RateLimitDecision(bool isAllowed, TimeSpan retryAfter)
    {
        IsAllowed = isAllowed;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets an allowing decision.</summary>
    public static RateLimitDecision Allowed => new(true, TimeSpan.Zero);

    /// <summary>Gets a value indicating whether the permit was granted.</summary>
    public bool IsAllowed { get; }

    /// <summary>Gets how long until the key's window closes and a permit can be granted again; zero when allowed.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Creates a denying decision.</summary>
    /// <param name="retryAfter">How long until the window closes; more than zero.</param>
    /// <returns>The decision.</returns>
    public static RateLimitDecision Denied(TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryAfter, TimeSpan.Zero);
        return new RateLimitDecision(false, retryAfter);
    }
}
