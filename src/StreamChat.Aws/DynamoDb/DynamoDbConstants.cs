namespace StreamChat.Aws.DynamoDb;

internal static class DynamoDbConstants
{
    public const string DefaultConnectionsTable = "chat-connections";
    public const string DefaultStreamIndex = "streamId-index";
    public const string DefaultMessagesTable = "chat-messages";
    public const string DefaultAuditTable = "chat-moderation-audit";

    // Attribute names.
    public const string ConnectionId = "connectionId";
    public const string StreamId = "streamId";
    public const string UserId = "userId";
    public const string Username = "username";
    public const string Role = "role";
    public const string ConnectedAt = "connectedAt";
    public const string MessageId = "messageId";
    public const string Text = "text";
    public const string SentAt = "sentAt";
    public const string DecidedAt = "decidedAt";
    public const string Action = "action";
    public const string Reason = "reason";
    public const string Rule = "rule";
    public const string Ttl = "ttl";

    /// <summary>BatchWriteItem takes at most 25 requests.</summary>
    public const int BatchWriteSize = 25;

    /// <summary>BatchGetItem takes at most 100 keys.</summary>
    public const int BatchGetSize = 100;
}
