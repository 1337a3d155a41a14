using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.RateLimiting;

/// <summary>A fixed-window limit: at most <see cref="PermitLimit"/> in any <see cref="Window"/>.</summary>
public sealed class RateLimitRule
{
    /// <summary>Initializes a new instance of the <see cref="RateLimitRule"/> class.</summary>
    public RateLimitRule()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RateLimitRule"/> class.</summary>
    /// <param name="permitLimit">The permits per window.</param>
    /// <param name="window">The window.</param>
    public RateLimitRule(int? permitLimit, TimeSpan window)
    {
        PermitLimit = permitLimit;
        Window = window;
    }

    /// <summary>Gets or sets the permits per window; <see langword="null"/> (an empty setting) lifts the limit.</summary>
    [Range(1, 1_000_000)]
    public int? PermitLimit { get; set; }

    /// <summary>Gets or sets the window. It must be between one second and one day.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);
}
