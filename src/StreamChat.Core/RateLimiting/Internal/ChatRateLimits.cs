using System.Globalization;
using Microsoft.Extensions.Options;

namespace StreamChat.Core.RateLimiting.Internal;

/// <summary>
/// The configured limits (<see cref="RateLimitOptions"/>) over the one <see cref="IRateLimitCounter"/>: whether a rule
/// applies, and its counter key. The handshake, message and <c>history</c> limits all go through here.
/// </summary>
internal sealed class ChatRateLimits
{
    private readonly IRateLimitCounter _counter;
    private readonly RateLimitOptions _options;

    public ChatRateLimits(IRateLimitCounter counter, IOptions<StreamChatOptions> options)
    {
        _counter = counter;
        _options = options.Value.RateLimits;
    }

    public RateLimitOptions Options => _options;

    /// <summary>A counter key from parts that may hold any character: each is length-prefixed, so no two tuples collide.</summary>
    public static string Key(string kind, string streamId, string userId) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}:{streamId.Length}:{streamId}:{userId}");

    /// <summary>Takes a permit under <paramref name="rule"/>; allowed at once when limits are off or the rule is lifted.</summary>
    public ValueTask<RateLimitDecision> TryAcquireAsync(RateLimitRule rule, string key, CancellationToken cancellationToken) =>
        _options.Enabled && rule.PermitLimit is { } limit
            ? _counter.TryAcquireAsync(key, limit, rule.Window, cancellationToken)
            : ValueTask.FromResult(RateLimitDecision.Allowed);

    /// <summary>Takes a permit outside the configured rules (slow mode, a moderator's decision: always applies).</summary>
    public ValueTask<RateLimitDecision> TryAcquireAsync(string key, int permitLimit, TimeSpan window, CancellationToken cancellationToken) =>
        _counter.TryAcquireAsync(key, permitLimit, window, cancellationToken);

    /// <summary>
    /// Takes one permit of <paramref name="rule"/> for a user in a stream, or throws <c>rate_limited</c> naming
    /// <paramref name="what"/> and the limit, with <c>retryAfter</c>. For actions answered with <c>error</c>.
    /// </summary>
    public async ValueTask AcquireOrThrowAsync(RateLimitRule rule, string kind, StreamChat.Core.Connections.ChatConnection connection, string what, CancellationToken cancellationToken)
    {
        var decision = await TryAcquireAsync(rule, Key(kind, connection.StreamId, connection.UserId), cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            throw new ChatException(Protocol.ChatErrorCode.RateLimited, $"Too many {what} ({rule.PermitLimit} per {Seconds(rule.Window)} seconds).") { RetryAfter = decision.RetryAfter };
        }
    }

    public static int Seconds(TimeSpan wait) => (int)Math.Ceiling(wait.TotalSeconds);
}
