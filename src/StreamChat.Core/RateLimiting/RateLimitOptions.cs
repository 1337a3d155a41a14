using Microsoft.Extensions.Options;

namespace StreamChat.Core.RateLimiting;

/// <summary>
/// Per-user, per-stream and per-address limits (<c>StreamChat:RateLimits</c>). The message defaults are Twitch's published ones.
/// Set <see cref="Enabled"/> to <see langword="false"/> to lift every limit (benchmarks), or clear one rule's
/// <see cref="RateLimitRule.PermitLimit"/> to lift that one.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Gets or sets a value indicating whether any rate limit applies.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets a viewer's messages per stream.</summary>
    /// <value>The default is 20 messages per 30 seconds.</value>
    [ValidateObjectMembers]
    public RateLimitRule Viewer { get; } = new(20, TimeSpan.FromSeconds(30));

    /// <summary>Gets the messages (and commands) per stream of a moderator or the broadcaster.</summary>
    /// <value>The default is 100 messages per 30 seconds.</value>
    [ValidateObjectMembers]
    public RateLimitRule Moderator { get; } = new(100, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Gets the viewers' messages into one stream, all viewers together: a raid of many accounts, each under its own
    /// limit, still cannot queue more on every viewer's socket than a room can read (moderators and the broadcaster are
    /// exempt, so they stay heard). Checked after the sender's own limit.
    /// </summary>
    /// <value>The default is 100 messages per second; clear <see cref="RateLimitRule.PermitLimit"/> to lift it.</value>
    [ValidateObjectMembers]
    public RateLimitRule Stream { get; } = new(100, TimeSpan.FromSeconds(1));

    /// <summary>Gets the <c>history</c> requests of one user per stream; each returns up to <c>MaxHistoryLimit</c> messages.</summary>
    /// <value>The default is 10 requests per 30 seconds.</value>
    [ValidateObjectMembers]
    public RateLimitRule History { get; } = new(10, TimeSpan.FromSeconds(30));

    /// <summary>Gets the handshakes per remote address; refused with 429 beyond it.</summary>
    /// <value>The default is no limit (a busy NAT or proxy puts many viewers behind one address); the window is 60 seconds.</value>
    [ValidateObjectMembers]
    public RateLimitRule Handshake { get; } = new(null, TimeSpan.FromSeconds(60));

    /// <summary>Gets a user's reactions (<c>react</c> and <c>unreact</c>) per stream.</summary>
    /// <value>The default is 30 per 10 seconds.</value>
    [ValidateObjectMembers]
    public RateLimitRule Reaction { get; } = new(30, TimeSpan.FromSeconds(10));

    /// <summary>Gets a user's private messages per stream over a short window (Twitch's whisper burst limit).</summary>
    /// <value>The default is 3 per second.</value>
    [ValidateObjectMembers]
    public RateLimitRule WhisperBurst { get; } = new(3, TimeSpan.FromSeconds(1));

    /// <summary>Gets a user's private messages per stream over a long window (Twitch's whisper limit).</summary>
    /// <value>The default is 100 per minute.</value>
    [ValidateObjectMembers]
    public RateLimitRule WhisperSustained { get; } = new(100, TimeSpan.FromMinutes(1));
}
