namespace StreamChat.Aws.DynamoDb;

internal static class DynamoDbConstants
{
    public const string DefaultConnectionsTable = "chat-connections";
    public const string DefaultStreamIndex = "streamId-index";
    public const string DefaultMessagesTable = "chat-messages";
    public const string DefaultAuditTable = "chat-moderation-audit";
    public const string DefaultUserIndex = "streamUser-index";
    public const string DefaultSanctionsTable = "chat-sanctions";
    public const string DefaultRateLimitsTable = "chat-rate-limits";
    public const string HealthCheckName = "streamchat-dynamodb";

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
    public const string StreamUser = "streamUser";
    public const string Hidden = "hidden";
    public const string TargetUserId = "targetUserId";
    public const string Subject = "subject";
    public const string ExpiresAt = "expiresAt";
    public const string IntervalMs = "intervalMs";
    public const string CounterKey = "counterKey";
    public const string WindowStart = "windowStart";
    public const string Count = "permits";

    /// <summary>The value of <see cref="StreamUser"/>: the stream id, length-prefixed so no two (stream, user) pairs collide.</summary>
    public static string StreamUserKey(string streamId, string userId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{streamId.Length}:{streamId}:{userId}");

    /// <summary>BatchWriteItem takes at most 25 requests.</summary>
    public const int BatchWriteSize = 25;

    /// <summary>BatchGetItem takes at most 100 keys.</summary>
    public const int BatchGetSize = 100;
}
