using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using StreamChat.Core.Folding;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Folding state in the messages table: one item per stream and channel, sort key <c>~~fold#{channel}</c> (after
/// every message and tombstone), with the changed items as a string set, the claim time and the last flush time.
/// Marking is an UpdateItem (ADD) and, when nobody holds the claim, a conditional UpdateItem; taking is one UpdateItem
/// that removes the set and the claim and returns what they were. No transactions.
/// </summary>
internal sealed class DynamoDbFoldStore : IFoldStore
{
    private const string Items = "items";
    private const string ClaimedAt = "claimedAt";
    private const string FlushedAt = "flushedAt";

    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly TimeProvider _timeProvider;

    public DynamoDbFoldStore(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, TimeProvider timeProvider)
    {
        _db = db;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    private string Table => _options.MessagesTableName;

    /// <inheritdoc />
    public async Task<FoldClaim> MarkAsync(string streamId, string channel, string item, TimeSpan claimTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(item);
        var now = _timeProvider.GetUtcNow();
        var mark = new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(streamId, channel),
            UpdateExpression = "ADD #items :i SET #ttl = :ttl",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#items"] = Items, ["#ttl"] = K.Ttl },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":i"] = new() { SS = [item] }, [":ttl"] = N((now + TimeSpan.FromDays(1)).ToUnixTimeSeconds()) },
            ReturnValues = ReturnValue.ALL_NEW,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        var marked = await _db.RunAsync("UpdateItem", Table, (c, ct) => c.UpdateItemAsync(mark, ct), cancellationToken).ConfigureAwait(false);
        var flushed = Time(marked.Attributes, FlushedAt);
        if (Time(marked.Attributes, ClaimedAt) is { } claimedAt && now - claimedAt < claimTimeout)
        {
            return new FoldClaim(false, flushed);
        }

        var claim = new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(streamId, channel),
            UpdateExpression = "SET claimedAt = :now",
            ConditionExpression = "attribute_not_exists(claimedAt) OR claimedAt < :stale",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":now"] = N(now.ToUnixTimeMilliseconds()),
                [":stale"] = N((now - claimTimeout).ToUnixTimeMilliseconds()),
            },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        try
        {
            await _db.RunAsync("UpdateItem", Table, (c, ct) => c.UpdateItemAsync(claim, ct), cancellationToken).ConfigureAwait(false);
            return new FoldClaim(true, flushed);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another caller claimed it between the two updates.
            return new FoldClaim(false, flushed);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> TakeAsync(string streamId, string channel, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        var now = _timeProvider.GetUtcNow();
        var take = new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(streamId, channel),
            UpdateExpression = "REMOVE #items, claimedAt SET flushedAt = :now, #ttl = :ttl",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#items"] = Items, ["#ttl"] = K.Ttl },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":now"] = N(now.ToUnixTimeMilliseconds()),
                [":ttl"] = N((now + TimeSpan.FromDays(1)).ToUnixTimeSeconds()),
            },
            ReturnValues = ReturnValue.ALL_OLD,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        var response = await _db.RunAsync("UpdateItem", Table, (c, ct) => c.UpdateItemAsync(take, ct), cancellationToken).ConfigureAwait(false);
        return response.Attributes is { } old && old.TryGetValue(Items, out var items) && items.SS is { } set ? set : [];
    }

    private static Dictionary<string, AttributeValue> Key(string streamId, string channel) =>
        new() { [K.StreamId] = S(streamId), [K.MessageId] = S("~~fold#" + channel) };

    private static DateTimeOffset? Time(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.ContainsKey(name) ? DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(name)) : null;
}
