namespace StreamChat.Aws.DynamoDb;

/// <summary>A DynamoDB request failed after the SDK's retries; the message names the operation and the table.</summary>
public sealed class DynamoDbStoreException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DynamoDbStoreException"/> class.</summary>
    public DynamoDbStoreException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DynamoDbStoreException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public DynamoDbStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DynamoDbStoreException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The SDK's exception.</param>
    public DynamoDbStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
