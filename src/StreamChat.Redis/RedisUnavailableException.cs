namespace StreamChat.Redis;

/// <summary>
/// Thrown by a Redis store when Redis cannot be reached and the operation has no local fallback (a new
/// connection, a history read, a deletion); the chat pipeline answers the client with a clean error.
/// </summary>
public sealed class RedisUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="RedisUnavailableException"/> class.</summary>
    public RedisUnavailableException()
        : base("Redis is unreachable.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RedisUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    public RedisUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RedisUnavailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The Redis client's exception.</param>
    public RedisUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the operation that could not run, when known.</summary>
    public string? Operation { get; private init; }

    internal static RedisUnavailableException For(string operation, Exception? innerException) =>
        new($"Redis is unreachable; '{operation}' could not run.", innerException) { Operation = operation };
}
