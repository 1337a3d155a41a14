namespace StreamChat.Aws.Comprehend;

/// <summary>Amazon Comprehend answered with an error (after retries), or not in time.</summary>
public sealed class ComprehendException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ComprehendException"/> class.</summary>
    public ComprehendException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ComprehendException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public ComprehendException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ComprehendException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ComprehendException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ComprehendException"/> class.</summary>
    /// <param name="operation">The operation, e.g. <c>DetectSentiment</c>.</param>
    /// <param name="statusCode">The HTTP status, or <see langword="null"/> when there was no answer.</param>
    /// <param name="errorType">AWS's error type (<c>__type</c>), e.g. <c>ThrottlingException</c>.</param>
    /// <param name="message">AWS's message or what went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ComprehendException(string operation, int? statusCode, string? errorType, string message, Exception? innerException = null)
        : base($"Comprehend {operation} failed ({(statusCode is null ? "no answer" : statusCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}{(errorType is null ? string.Empty : ", " + errorType)}): {message}", innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
        ErrorType = errorType;
    }

    /// <summary>Gets the operation that failed.</summary>
    public string? Operation { get; }

    /// <summary>Gets the HTTP status, or <see langword="null"/> when there was no answer.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets AWS's error type, e.g. <c>TextSizeLimitExceededException</c>.</summary>
    public string? ErrorType { get; }
}
