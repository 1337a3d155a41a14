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
        var item = new Dictionary<string, AttributeValue>
            {
                [K.StreamId] = S(message.StreamId),
                [K.MessageId] = S(message.MessageId),
                [K.UserId] = S(message.UserId),
                [K.Username] = S(message.Username),
                [K.Text] = S(message.Text),
                [K.SentAt] = N(message.SentAt.ToUnixTimeMilliseconds()),
                [K.Ttl] = N((message.SentAt + _timeToLive).ToUnixTimeSeconds()),
            };
        if (message.Hidden)
        {
            item[K.Hidden] = new AttributeValue { BOOL = true };
        }

        var request = new PutItemRequest { TableName = Table, Item = item, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL };
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

    /// <inheritdoc />
    /// <remarks>One consistent BatchGetItem finds which ids are held (and unexpired), then BatchWriteItem deletes them.</remarks>
    public async Task<IReadOnlyList<string>> DeleteAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }

        var keys = messageIds.Distinct(StringComparer.Ordinal).Select(id => Key(streamId, id)).ToList();
        var now = _timeProvider.GetUtcNow();
        var held = (await _db.BatchGetAsync(Table, keys, cancellationToken).ConfigureAwait(false))
            .Where(i => !i.IsExpired(now))
            .Select(static i => i.GetString(K.MessageId))
            .Order(StringComparer.Ordinal)
            .ToList();
        await DeleteKeysAsync(streamId, held, cancellationToken).ConfigureAwait(false);
        return held;
    }

    /// <inheritdoc />
    /// <remarks>A Query of the stream's partition filtered on the author (keys only), then BatchWriteItem.</remarks>
    public async Task<IReadOnlyList<string>> DeleteByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var ids = await QueryIdsAsync(streamId, "userId = :u", new Dictionary<string, AttributeValue> { [":u"] = S(userId) }, cancellationToken).ConfigureAwait(false);
        await DeleteKeysAsync(streamId, ids, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <inheritdoc />
    public async Task ClearAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var ids = await QueryIdsAsync(streamId, null, null, cancellationToken).ConfigureAwait(false);
        await DeleteKeysAsync(streamId, ids, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ids of a stream's unexpired messages (matching <paramref name="filter"/>), oldest first.</summary>
    private async Task<List<string>> QueryIdsAsync(string streamId, string? filter, Dictionary<string, AttributeValue>? values, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var expressionValues = new Dictionary<string, AttributeValue>(values ?? []) { [":s"] = S(streamId), [":now"] = N(now.ToUnixTimeSeconds()) };
        var ids = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "streamId = :s",
                FilterExpression = filter is null ? "#ttl > :now" : "#ttl > :now AND " + filter,
                ExpressionAttributeNames = TtlName(),
                ExpressionAttributeValues = expressionValues,
                ProjectionExpression = "messageId",
                ConsistentRead = true,
                ExclusiveStartKey = start,
                Limit = _options.QueryPageSize,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            ids.AddRange((response.Items ?? []).Select(static i => i.GetString(K.MessageId)));
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return ids;
    }

    private Task DeleteKeysAsync(string streamId, List<string> messageIds, CancellationToken cancellationToken) =>
        messageIds.Count == 0
            ? Task.CompletedTask
            : _db.BatchWriteAsync(Table, messageIds.Select(id => new WriteRequest { DeleteRequest = new DeleteRequest { Key = Key(streamId, id) } }).ToList(), cancellationToken);

    private static Dictionary<string, AttributeValue> Key(string streamId, string messageId) => new() { [K.StreamId] = S(streamId), [K.MessageId] = S(messageId) };

    private static ChatMessage ToMessage(Dictionary<string, AttributeValue> item) => new(
        item.GetString(K.MessageId),
        item.GetString(K.StreamId),
        item.GetString(K.UserId),
        item.GetString(K.Username),
        item.GetString(K.Text),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(K.SentAt)))
    {
        Hidden = item.TryGetValue(K.Hidden, out var hidden) && hidden.BOOL == true,
    };
}
