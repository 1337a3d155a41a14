using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace StreamChat.Redis;

/// <summary>
/// Options of StreamChat's Redis scale-out: where Redis is, how keys are named, and how quickly a node that dies
/// without saying goodbye leaves presence.
/// </summary>
public sealed class RedisScaleOutOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string (e.g. <c>127.0.0.1:6379,password=...</c>). When
    /// <see langword="null"/>, <c>ConnectionStrings:Redis</c> from configuration is used, unless an
    /// <see cref="IConnectionMultiplexer"/> is registered or <see cref="ConnectionFactory"/> is set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets how the multiplexer is made when no <see cref="IConnectionMultiplexer"/> is registered.
    /// <see langword="null"/> connects with <see cref="Configuration"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<IServiceProvider, Task<IConnectionMultiplexer>>? ConnectionFactory { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every key and channel, so several apps (or environments) can share one Redis.
    /// </summary>
    /// <value>The default value is <c>streamchat:</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:\\-]{1,64}\\z")]
    public string KeyPrefix { get; set; } = "streamchat:";

    /// <summary>
    /// Gets or sets this node's id, unique among the nodes sharing the Redis. <see langword="null"/> makes one from
    /// the machine name, the process id and a random part.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [RegularExpression("^[A-Za-z0-9_.:\\-]{1,100}\\z")]
    public string? NodeId { get; set; }

    /// <summary>
    /// Gets or sets how long a node's presence lease lasts: a node that stops without goodbye (a crash, a lost
    /// network) drops out of presence and viewer counts within this time.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan PresenceTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a node renews its lease; at most a third of <see cref="PresenceTimeout"/>.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how many chat messages a node keeps for history while Redis is unreachable; they are written to
    /// Redis when it is back. A message beyond this is refused to its sender rather than lost.
    /// </summary>
    /// <value>The default value is 10,000.</value>
    [Range(0, 1_000_000)]
    public int MaxPendingMessages { get; set; } = 10_000;
}
