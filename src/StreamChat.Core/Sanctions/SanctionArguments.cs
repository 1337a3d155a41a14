namespace StreamChat.Core.Sanctions;

/// <summary>The argument rules every <see cref="ISanctionStore"/> applies, so implementations agree on bad input.</summary>
public static class SanctionArguments
{
    /// <summary>Checks the arguments of <see cref="ISanctionStore.SetAsync"/>.</summary>
    /// <param name="streamId">The stream id; not empty.</param>
    /// <param name="userId">The user id; not empty.</param>
    /// <param name="kind">A defined <see cref="SanctionKind"/>.</param>
    /// <param name="expiresAt">Required for <see cref="SanctionKind.Timeout"/>.</param>
    public static void Check(string streamId, string userId, SanctionKind kind, DateTimeOffset? expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sanction kind.");
        }

        if (kind == SanctionKind.Timeout && expiresAt is null)
        {
            throw new ArgumentException("A time-out needs an expiry.", nameof(expiresAt));
        }
    }

    /// <summary>Checks a slow mode interval: off, or more than zero.</summary>
    /// <param name="interval">The interval, or <see langword="null"/> for off.</param>
    public static void CheckSlowMode(TimeSpan? interval)
    {
        if (interval is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(interval));
        }
    }
}
