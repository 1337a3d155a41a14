using System.ComponentModel.DataAnnotations;
using Amazon.DynamoDBv2;

namespace StreamChat.Aws.DynamoDb;

/// <summary>Options of the DynamoDB stores. Message time-to-live comes from <c>StreamChatOptions.MessageTimeToLive</c>.</summary>
public sealed class DynamoDbStoreOptions
{
    /// <summary>Gets or sets the connections table (key <c>connectionId</c>).</summary>
    /// <value>The default value is <c>chat-connections</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.\\-]{3,255}\\z")]
    public string ConnectionsTableName { get; set; } = DynamoDbConstants.DefaultConnectionsTable;

    /// <summary>Gets or sets the global secondary index on <c>streamId</c> of the connections table.</summary>
    /// <value>The default value is <c>streamId-index</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.\\-]{3,255}\\z")]
    public string StreamIndexName { get; set; } = DynamoDbConstants.DefaultStreamIndex;

    /// <summary>Gets or sets the global secondary index on <c>streamUser</c> of the connections table (one user's connections in a stream).</summary>
    /// <value>The default value is <c>streamUser-index</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.\\-]{3,255}\\z")]
    public string UserIndexName { get; set; } = DynamoDbConstants.DefaultUserIndex;

    /// <summary>Gets or sets the sanctions table (keys <c>streamId</c>, <c>subject</c>): bans, time-outs, shadow bans, granted moderators, slow mode.</summary>
    /// <value>The default value is <c>chat-sanctions</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.\\-]{3,255}\\z")]
    public string SanctionsTableName { get; set; } = DynamoDbConstants.DefaultSanctionsTable;

    /// <summary>Gets or sets the rate-limit counters table (key <c>counterKey</c>), whose items expire with their window.</summary>
    /// <value>The default value is <c>chat-rate-limits</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.\\-]{3,255}\\z")]
    public string RateLimitsTableName { get; set; } = DynamoDbConstants.DefaultRateLimitsTable;

    /// <summary>Gets or sets the messages table (keys <c>streamId</c>, <c>messageId</c>).</summary>
    /// <value>The default value is <c>chat-messages</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.\\-]{3,255}\\z")]
    public string MessagesTableName { get; set; } = DynamoDbConstants.DefaultMessagesTable;

    /// <summary>Gets or sets the moderation audit table (keys <c>streamId</c>, <c>decidedAt</c>), used after <c>AddDynamoDbAuditTrail()</c>.</summary>
    /// <value>The default value is <c>chat-moderation-audit</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.\\-]{3,255}\\z")]
    public string AuditTableName { get; set; } = DynamoDbConstants.DefaultAuditTable;

    /// <summary>
    /// Gets or sets how long a connection record lives if its disconnect is never seen (a crashed host, a
    /// lost <c>$disconnect</c>). Readers ignore older records; DynamoDB deletes them later.
    /// </summary>
    /// <value>The default value is 24 hours.</value>
    public TimeSpan ConnectionTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how long audit entries are kept.</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan AuditTimeToLive { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets the most items one Query page asks for; <see langword="null"/> lets DynamoDB fill 1 MB pages.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, 100_000)]
    public int? QueryPageSize { get; set; }

    /// <summary>
    /// Gets or sets how the DynamoDB client is made when none is registered as <see cref="IAmazonDynamoDB"/>.
    /// <see langword="null"/> makes one with the default credential and region chain and the standard retry mode.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<IServiceProvider, IAmazonDynamoDB>? ClientFactory { get; set; }
}
