using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Messages;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Messages in DynamoDB, keyed by <c>streamId</c> and the time-sortable <c>messageId</c>. History is one
/// Query, newest first with a limit, filtered on <c>ttl</c>, paged only when expired items fill a page.
/// </summary>
internal sealed class DynamoDbMessageStore : IMessageStore
{
    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly TimeSpan _timeToLive;
    private readonly TimeProvider _timeProvider;

    public DynamoDbMessageStore(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, IOptions<StreamChatOptions> chatOptions, TimeProvider timeProvider)
    {
        _db = db;
        _options = options.Value;
        _timeToLive = chatOptions.Value.MessageTimeToLive;
        _timeProvider = timeProvider;
    }

    private string Table => _options.MessagesTableName;

    /// <inheritdoc />
    public async Task AddAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = new PutItemRequest
        {
            TableName = Table,
            Item = new Dictionary<string, AttributeValue>
            {
                [K.StreamId] = S(message.StreamId),
                [K.MessageId] = S(message.MessageId),
                [K.UserId] = S(message.UserId),
                [K.Username] = S(message.Username),
                [K.Text] = S(message.Text),
                [K.SentAt] = N(message.SentAt.ToUnixTimeMilliseconds()),
                [K.Ttl] = N((message.SentAt + _timeToLive).ToUnixTimeSeconds()),
            },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        await _db.RunAsync("PutItem", Table, (c, ct) => c.PutItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatMessage>> GetRecentAsync(string streamId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var now = _timeProvider.GetUtcNow();
        var newestFirst = new List<ChatMessage>(limit);
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "streamId = :s",
                FilterExpression = "#ttl > :now",
                ExpressionAttributeNames = TtlName(),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = S(streamId), [":now"] = N(now.ToUnixTimeSeconds()) },
                ScanIndexForward = false,
                Limit = limit - newestFirst.Count,
                ExclusiveStartKey = start,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                newestFirst.Add(ToMessage(item));
            }

            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null && newestFirst.Count < limit);

        newestFirst.Reverse();
        return newestFirst;
    }

    private static ChatMessage ToMessage(Dictionary<string, AttributeValue> item) => new(
        item.GetString(K.MessageId),
        item.GetString(K.StreamId),
        item.GetString(K.UserId),
        item.GetString(K.Username),
        item.GetString(K.Text),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(K.SentAt)));
}
