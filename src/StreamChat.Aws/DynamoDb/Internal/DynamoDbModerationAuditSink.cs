using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using StreamChat.Core.Moderation;
using StreamChat.Core.Protocol;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// The moderation audit trail in DynamoDB: one item per decision, keyed by <c>streamId</c> and
/// <c>decidedAt</c> (ISO 8601 time, then <c>#</c> and the message id, so keys sort by time and never
/// collide), kept for <see cref="DynamoDbStoreOptions.AuditTimeToLive"/>.
/// </summary>
internal sealed class DynamoDbModerationAuditSink : IModerationAuditSink, IModerationAuditReader
{
    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly TimeProvider _timeProvider;

    public DynamoDbModerationAuditSink(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, TimeProvider timeProvider)
    {
        _db = db;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    private string Table => _options.AuditTableName;

    /// <inheritdoc />
    public async ValueTask WriteAsync(ModerationAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var item = new Dictionary<string, AttributeValue>
        {
            [K.StreamId] = S(entry.StreamId),
            [K.DecidedAt] = S(SortKey(entry.Timestamp, entry.MessageId)),
            [K.MessageId] = S(entry.MessageId),
            [K.UserId] = S(entry.UserId),
            [K.ConnectionId] = S(entry.ConnectionId),
            [K.Action] = S(entry.Action.ToString()),
            [K.Ttl] = N((_timeProvider.GetUtcNow() + _options.AuditTimeToLive).ToUnixTimeSeconds()),
        };
        if (entry.Reason is { } reason)
        {
            item[K.Reason] = S(reason.ToWireName());
        }

        if (entry.Rule is not null)
        {
            item[K.Rule] = S(entry.Rule);
        }

        if (entry.Text is not null)
        {
            item[K.Text] = S(entry.Text);
        }

        if (entry.TargetUserId is not null)
        {
            item[K.TargetUserId] = S(entry.TargetUserId);
        }

        var request = new PutItemRequest { TableName = Table, Item = item, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL };
        await _db.RunAsync("PutItem", Table, (c, ct) => c.PutItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ModerationAuditEntry> ReadAsync(string streamId, DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var now = _timeProvider.GetUtcNow();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "streamId = :s AND decidedAt BETWEEN :from AND :to",
                FilterExpression = "#ttl > :now",
                ExpressionAttributeNames = TtlName(),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":s"] = S(streamId),
                    [":from"] = S(Time(since)),
                    [":to"] = S(Time(until.AddTicks(-TimeSpan.TicksPerMillisecond)) + "#~"),
                    [":now"] = N(now.ToUnixTimeSeconds()),
                },
                ExclusiveStartKey = start,
                Limit = _options.QueryPageSize,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                yield return ToEntry(item);
            }

            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }

    private static string Time(DateTimeOffset time) => ProtocolTime.Format(time);

    private static string SortKey(DateTimeOffset time, string messageId) => Time(time) + "#" + messageId;

    private static ModerationAuditEntry ToEntry(Dictionary<string, AttributeValue> item)
    {
        var decidedAt = item.GetString(K.DecidedAt);
        var time = DateTimeOffset.Parse(decidedAt.AsSpan(0, decidedAt.IndexOf('#', StringComparison.Ordinal)), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        var reason = item.GetOptionalString(K.Reason) is { } wire
            ? Enum.GetValues<BlockReason>().First(r => r.ToWireName() == wire)
            : (BlockReason?)null;
        return new ModerationAuditEntry(
            time,
            item.GetString(K.StreamId),
            item.GetString(K.UserId),
            item.GetString(K.ConnectionId),
            item.GetString(K.MessageId),
            Enum.Parse<ModerationAction>(item.GetString(K.Action)),
            reason,
            item.GetOptionalString(K.Rule),
            item.GetOptionalString(K.Text),
            item.GetOptionalString(K.TargetUserId));
    }
}
