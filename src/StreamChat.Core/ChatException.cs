using StreamChat.Core.Protocol;

namespace StreamChat.Core;

/// <summary>
/// The one exception whose message reaches the client (as an <c>error</c> frame with <see cref="Code"/>).
/// Any other exception thrown while handling a frame becomes a generic <c>internal_error</c>.
/// </summary>
public class ChatException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ChatException"/> class.</summary>
    public ChatException()
        : this("The request could not be handled.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChatException"/> class.</summary>
    /// <param name="message">A sentence the client may read.</param>
    public ChatException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChatException"/> class.</summary>
    /// <param name="message">A sentence the client may read.</param>
    /// <param name="innerException">The cause; never sent to the client.</param>
    public ChatException(string message, Exception? innerException)
        : this(ChatErrorCode.InternalError, message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ChatException"/> class.</summary>
    /// <param name="code">The error code sent to the client.</param>
    /// <param name="message">A sentence the client may read.</param>
    /// <param name="innerException">The cause; never sent to the client.</param>
    public ChatException(ChatErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>Gets the error code sent to the client.</summary>
    public ChatErrorCode Code { get; }

    /// <summary>Gets or sets how long the client should wait before repeating the request (sent as <c>retryAfter</c> seconds); <see langword="null"/> for none.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
