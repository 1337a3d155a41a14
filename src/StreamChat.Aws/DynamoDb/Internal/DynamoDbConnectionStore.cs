using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core.Connections;
using StreamChat.Core.Identity;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Connections in DynamoDB: one item per connection keyed by <c>connectionId</c>, and a global secondary
/// index on <c>streamId</c> projecting only <c>ttl</c>, so a broadcast reads a stream's connection ids
/// with one Query (paged) whose cost grows with the stream, not the table. Expired records are never
/// returned, and ones a read comes across are deleted in batches.
/// </summary>
internal sealed partial class DynamoDbConnectionStore : IConnectionStore
{
    // A read that meets this many expired records cleans them up (TTL deletion can lag by days).
    private const int PurgeThreshold = 25;

    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public DynamoDbConnectionStore(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, TimeProvider timeProvider, ILogger<DynamoDbConnectionStore> logger)
    {
        _db = db;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private string Table => _options.ConnectionsTableName;

    /// <inheritdoc />
    public async Task<bool> AddAsync(ChatConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var request = new PutItemRequest
        {
            TableName = Table,
            Item = new Dictionary<string, AttributeValue>
            {
                [K.ConnectionId] = S(connection.ConnectionId),
                [K.StreamId] = S(connection.StreamId),
                [K.UserId] = S(connection.UserId),
                [K.Username] = S(connection.Username),
                [K.Role] = N((long)connection.Role),
                [K.StreamUser] = S(K.StreamUserKey(connection.StreamId, connection.UserId)),
                [K.ConnectedAt] = N(connection.ConnectedAt.ToUnixTimeMilliseconds()),
                [K.Ttl] = N((_timeProvider.GetUtcNow() + _options.ConnectionTimeToLive).ToUnixTimeSeconds()),
            },

            // Added once: a second $connect with the same id must not overwrite the first.
            ConditionExpression = "attribute_not_exists(connectionId)",
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };

        try
        {
            await _db.RunAsync("PutItem", Table, (c, ct) => c.PutItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<ChatConnection?> RemoveAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var request = new DeleteItemRequest
        {
            TableName = Table,
            Key = new Dictionary<string, AttributeValue> { [K.ConnectionId] = S(connectionId) },
            ReturnValues = ReturnValue.ALL_OLD,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };

        // Unconditional and idempotent: deleting an unknown connection returns nothing and is not an error.
        var response = await _db.RunAsync("DeleteItem", Table, (c, ct) => c.DeleteItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Attributes is { Count: > 0 } item && !item.IsExpired(_timeProvider.GetUtcNow()) ? ToConnection(item) : null;
    }

    /// <inheritdoc />
    public async Task<ChatConnection?> GetAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var request = new GetItemRequest
        {
            TableName = Table,
            Key = new Dictionary<string, AttributeValue> { [K.ConnectionId] = S(connectionId) },
            ConsistentRead = true,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        var response = await _db.RunAsync("GetItem", Table, (c, ct) => c.GetItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item && !item.IsExpired(_timeProvider.GetUtcNow()) ? ToConnection(item) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetConnectionIdsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var now = _timeProvider.GetUtcNow();
        var ids = new List<string>();
        List<string>? expired = null;
        await foreach (var item in QueryStreamIndexAsync(streamId, cancellationToken).ConfigureAwait(false))
        {
            var id = item.GetString(K.ConnectionId);
            if (item.IsExpired(now))
            {
                (expired ??= []).Add(id);
            }
            else
            {
                ids.Add(id);
            }
        }

        if (expired is { Count: >= PurgeThreshold })
        {
            await PurgeAsync(streamId, expired, cancellationToken).ConfigureAwait(false);
        }

        return ids;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatConnection>> GetByStreamAsync(string streamId, CancellationToken cancellationToken = default)
    {
        // The index holds only ids; whole records come from the table, 100 keys a request.
        var ids = await GetConnectionIdsAsync(streamId, cancellationToken).ConfigureAwait(false);
        var keys = ids.Select(static id => new Dictionary<string, AttributeValue> { [K.ConnectionId] = S(id) }).ToList();
        var items = await _db.BatchGetAsync(Table, keys, cancellationToken).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        return items.Where(i => !i.IsExpired(now)).Select(ToConnection).ToList();
    }

    /// <inheritdoc />
    public async Task<int> CountAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var now = _timeProvider.GetUtcNow();
        var count = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                IndexName = _options.StreamIndexName,
                KeyConditionExpression = "streamId = :s",
                FilterExpression = "#ttl > :now",
                ExpressionAttributeNames = TtlName(),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = S(streamId), [":now"] = N(now.ToUnixTimeSeconds()) },
                Select = Select.COUNT,
                ExclusiveStartKey = start,
                Limit = _options.QueryPageSize,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            count += response.Count ?? 0;
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return count;
    }

    /// <inheritdoc />
    /// <remarks>One Query on the user index (which projects every attribute), however large the stream.</remarks>
    public async Task<IReadOnlyList<ChatConnection>> GetByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = _timeProvider.GetUtcNow();
        var connections = new List<ChatConnection>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                IndexName = _options.UserIndexName,
                KeyConditionExpression = "streamUser = :su",
                FilterExpression = "#ttl > :now",
                ExpressionAttributeNames = TtlName(),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":su"] = S(K.StreamUserKey(streamId, userId)), [":now"] = N(now.ToUnixTimeSeconds()) },
                ExclusiveStartKey = start,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            connections.AddRange((response.Items ?? []).Select(ToConnection));
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return connections;
    }

    /// <summary>Pages through the stream index: every item (ids and ttl), expired ones included.</summary>
    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryStreamIndexAsync(string streamId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                IndexName = _options.StreamIndexName,
                KeyConditionExpression = "streamId = :s",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = S(streamId) },
                ExclusiveStartKey = start,
                Limit = _options.QueryPageSize,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                yield return item;
            }

            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }

    /// <summary>Deletes expired records a read came across, 25 to a request. Best effort: a failure is logged, not thrown.</summary>
    private async Task PurgeAsync(string streamId, List<string> expired, CancellationToken cancellationToken)
    {
        var requests = expired
            .Select(static id => new WriteRequest { DeleteRequest = new DeleteRequest { Key = new Dictionary<string, AttributeValue> { [K.ConnectionId] = S(id) } } })
            .ToList();
        try
        {
            await _db.BatchWriteAsync(Table, requests, cancellationToken).ConfigureAwait(false);
            Log.Purged(_logger, expired.Count, streamId);
        }
        catch (DynamoDbStoreException ex)
        {
            Log.PurgeFailed(_logger, streamId, ex);
        }
    }

    private static ChatConnection ToConnection(Dictionary<string, AttributeValue> item) => new(
        item.GetString(K.ConnectionId),
        item.GetString(K.StreamId),
        item.GetString(K.UserId),
        item.GetString(K.Username),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(K.ConnectedAt)),

        // Records written before roles existed are viewers.
        item.ContainsKey(K.Role) ? (ChatRole)item.GetNumber(K.Role) : ChatRole.Viewer);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Deleted {Count} expired connection records of stream {StreamId}.", EventName = "Purged")]
        public static partial void Purged(ILogger logger, int count, string streamId);

        [LoggerMessage(2, LogLevel.Warning, "Deleting expired connection records of stream {StreamId} failed; readers still skip them.", EventName = "PurgeFailed")]
        public static partial void PurgeFailed(ILogger logger, string streamId, Exception exception);
    }
}
