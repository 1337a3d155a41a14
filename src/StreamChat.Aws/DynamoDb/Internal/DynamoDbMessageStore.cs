using System.Globalization;
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
/// Query, newest first with a limit, filtered on <c>ttl</c>, paged only when expired or deleted items fill a page.
/// </summary>
/// <remarks>
/// A deleted message keeps its item, marked with <c>deletedAt</c> and without its text, and gains a tombstone item
/// in the same partition whose sort key, <c>~{deletedAt ms, 13 digits}#{messageId}</c>, sorts after every ULID:
/// recovery reads the deletions since a time with one Query. Reactions are string sets of user ids on the message
/// item, one attribute per emoji (<c>r:{emoji}</c>), so one user reacts once per emoji and the size is the count.
/// </remarks>
internal sealed class DynamoDbMessageStore : IMessageStore, IReactionStore
{
    /// <summary>Sorts after every ULID (0-9, A-Z) and before every tombstone key.</summary>
    private const string AfterMessages = "~";
    private const string TombstonesEnd = "~9999999999999~";
    private const string ReactionPrefix = "r:";
    private const string DeletedAt = "deletedAt";
    private const string DeletedId = "deletedId";
    private const string ReplyId = "replyId";
    private const string ReplyUser = "replyUserId";
    private const string ReplyName = "replyUsername";
    private const string ReplyQuote = "replyQuote";

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

        if (message.ReplyTo is { } parent)
        {
            item[ReplyId] = S(parent.MessageId);
            item[ReplyUser] = S(parent.UserId);
            item[ReplyName] = S(parent.Username);
            item[ReplyQuote] = S(parent.Quote);
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
                KeyConditionExpression = "streamId = :s AND messageId < :end",
                FilterExpression = "#ttl > :now AND attribute_not_exists(deletedAt)",
                ExpressionAttributeNames = TtlName(),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = S(streamId), [":now"] = N(now.ToUnixTimeSeconds()), [":end"] = S(AfterMessages) },
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
    public async Task<ChatMessage?> FindAsync(string streamId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var item = await GetItemAsync(streamId, messageId, cancellationToken).ConfigureAwait(false);
        return item is null || item.ContainsKey(DeletedAt) ? null : ToMessage(item);
    }

    /// <inheritdoc />
    /// <remarks>A consistent GetItem of the last message seen, a Query of the messages after it, and a Query of the tombstones since it was sent.</remarks>
    public async Task<MessageReplay> GetSinceAsync(string streamId, string messageId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (messageId.StartsWith(AfterMessages, StringComparison.Ordinal) || await GetItemAsync(streamId, messageId, cancellationToken).ConfigureAwait(false) is not { } seen)
        {
            return MessageReplay.Incomplete;
        }

        var messages = new List<ChatMessage>();
        var complete = await QueryAsync(
            streamId,
            "streamId = :s AND messageId BETWEEN :from AND :to",
            new() { [":from"] = S(messageId), [":to"] = S(AfterMessages) },
            item =>
            {
                if (!item.ContainsKey(DeletedAt) && !string.Equals(item.GetString(K.MessageId), messageId, StringComparison.Ordinal))
                {
                    messages.Add(ToMessage(item));
                }

                return messages.Count <= limit;
            },
            cancellationToken).ConfigureAwait(false);
        if (!complete)
        {
            return MessageReplay.Incomplete;
        }

        var sentAt = seen.GetNumber(K.SentAt);
        var tombstones = new List<MessageTombstone>();
        await QueryAsync(
            streamId,
            "streamId = :s AND messageId BETWEEN :from AND :to",
            new() { [":from"] = S(TombstoneKey(sentAt, string.Empty)), [":to"] = S(TombstonesEnd) },
            item =>
            {
                var id = item.GetString(DeletedId);
                if (string.CompareOrdinal(id, messageId) <= 0)
                {
                    tombstones.Add(new MessageTombstone(id, DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(DeletedAt))));
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
        return new MessageReplay(true, messages, tombstones);
    }

    /// <inheritdoc />
    /// <remarks>One consistent BatchGetItem finds which ids are held (and unexpired), then BatchWriteItem marks them and writes their tombstones.</remarks>
    public async Task<IReadOnlyList<string>> DeleteAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }

        var keys = messageIds.Distinct(StringComparer.Ordinal).Where(static id => !id.StartsWith(AfterMessages, StringComparison.Ordinal)).Select(id => Key(streamId, id)).ToList();
        var now = _timeProvider.GetUtcNow();
        var held = (await _db.BatchGetAsync(Table, keys, cancellationToken, consistentRead: true).ConfigureAwait(false))
            .Where(i => !i.IsExpired(now) && !i.ContainsKey(DeletedAt))
            .OrderBy(static i => i.GetString(K.MessageId), StringComparer.Ordinal)
            .ToList();
        return await TombstoneAsync(held, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>A Query of the stream's messages filtered on the author, then BatchWriteItem.</remarks>
    public async Task<IReadOnlyList<string>> DeleteByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var items = await LiveItemsAsync(streamId, userId, cancellationToken).ConfigureAwait(false);
        return await TombstoneAsync(items, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ClearAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var items = await LiveItemsAsync(streamId, null, cancellationToken).ConfigureAwait(false);
        await TombstoneAsync(items, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>One conditional UpdateItem (ADD or DELETE on the emoji's set) that returns the set as it was.</remarks>
    public async Task<ReactionChange> SetReactionAsync(string streamId, string messageId, string userId, string emoji, bool present, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(emoji);
        if (messageId.StartsWith(AfterMessages, StringComparison.Ordinal))
        {
            return ReactionChange.MessageNotFound;
        }

        var request = new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(streamId, messageId),
            UpdateExpression = (present ? "ADD" : "DELETE") + " #r :u",
            ConditionExpression = "attribute_exists(messageId) AND attribute_not_exists(deletedAt) AND #ttl > :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#r"] = ReactionPrefix + emoji, ["#ttl"] = K.Ttl },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":u"] = new() { SS = [userId] },
                [":now"] = N(_timeProvider.GetUtcNow().ToUnixTimeSeconds()),
            },
            ReturnValues = ReturnValue.UPDATED_OLD,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        UpdateItemResponse response;
        try
        {
            response = await _db.RunAsync("UpdateItem", Table, (c, ct) => c.UpdateItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            return ReactionChange.MessageNotFound;
        }

        var had = response.Attributes is { } old && old.TryGetValue(ReactionPrefix + emoji, out var set) && set.SS is { } users && users.Contains(userId);
        return had != present ? ReactionChange.Changed : ReactionChange.Unchanged;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MessageReactions>> GetReactionsAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        var keys = messageIds.Distinct(StringComparer.Ordinal).Where(static id => !id.StartsWith(AfterMessages, StringComparison.Ordinal)).Select(id => Key(streamId, id)).ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow();
        return (await _db.BatchGetAsync(Table, keys, cancellationToken, consistentRead: true).ConfigureAwait(false))
            .Where(i => !i.IsExpired(now) && !i.ContainsKey(DeletedAt))
            .Select(static i => new MessageReactions(i.GetString(K.MessageId), Reactions(i) ?? new Dictionary<string, int>(StringComparer.Ordinal)))
            .ToList();
    }

    private static string TombstoneKey(long deletedAtMs, string messageId) =>
        string.Create(CultureInfo.InvariantCulture, $"{AfterMessages}{deletedAtMs:D13}#{messageId}");

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string streamId, string messageId, CancellationToken cancellationToken)
    {
        var request = new GetItemRequest { TableName = Table, Key = Key(streamId, messageId), ConsistentRead = true, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL };
        var response = await _db.RunAsync("GetItem", Table, (c, ct) => c.GetItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item && !item.IsExpired(_timeProvider.GetUtcNow()) ? item : null;
    }

    /// <summary>Pages through a consistent Query of unexpired items; stops early when <paramref name="take"/> says so (and returns false).</summary>
    private async Task<bool> QueryAsync(
        string streamId,
        string keyCondition,
        Dictionary<string, AttributeValue> values,
        Func<Dictionary<string, AttributeValue>, bool> take,
        CancellationToken cancellationToken,
        string? filter = null)
    {
        values[":s"] = S(streamId);
        values[":now"] = N(_timeProvider.GetUtcNow().ToUnixTimeSeconds());
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = keyCondition,
                FilterExpression = filter is null ? "#ttl > :now" : "#ttl > :now AND " + filter,
                ExpressionAttributeNames = TtlName(),
                ExpressionAttributeValues = values,
                ConsistentRead = true,
                ExclusiveStartKey = start,
                Limit = _options.QueryPageSize,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                if (!take(item))
                {
                    return false;
                }
            }

            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return true;
    }

    /// <summary>The stream's unexpired, undeleted messages (of one author), oldest first.</summary>
    private async Task<List<Dictionary<string, AttributeValue>>> LiveItemsAsync(string streamId, string? userId, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        var values = new Dictionary<string, AttributeValue> { [":end"] = S(AfterMessages) };
        if (userId is not null)
        {
            values[":u"] = S(userId);
        }

        await QueryAsync(
            streamId,
            "streamId = :s AND messageId < :end",
            values,
            item =>
            {
                items.Add(item);
                return true;
            },
            cancellationToken,
            userId is null ? "attribute_not_exists(deletedAt)" : "attribute_not_exists(deletedAt) AND userId = :u").ConfigureAwait(false);
        return items;
    }

    /// <summary>Marks messages deleted (text, reply and reactions go) and writes a tombstone for each; returns their ids.</summary>
    private async Task<IReadOnlyList<string>> TombstoneAsync(List<Dictionary<string, AttributeValue>> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var writes = new List<WriteRequest>(items.Count * 2);
        var ids = new List<string>(items.Count);
        foreach (var item in items)
        {
            var id = item.GetString(K.MessageId);
            ids.Add(id);
            var marked = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
            foreach (var name in new[] { K.StreamId, K.MessageId, K.UserId, K.Username, K.SentAt, K.Ttl, K.Hidden })
            {
                if (item.TryGetValue(name, out var value))
                {
                    marked[name] = value;
                }
            }

            marked[K.Text] = S(string.Empty);
            marked[DeletedAt] = N(now);
            writes.Add(new WriteRequest { PutRequest = new PutRequest { Item = marked } });
            writes.Add(new WriteRequest
            {
                PutRequest = new PutRequest
                {
                    Item = new Dictionary<string, AttributeValue>
                    {
                        [K.StreamId] = item[K.StreamId],
                        [K.MessageId] = S(TombstoneKey(now, id)),
                        [DeletedId] = S(id),
                        [DeletedAt] = N(now),
                        [K.Ttl] = item[K.Ttl],
                    },
                },
            });
        }

        await _db.BatchWriteAsync(Table, writes, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    private static Dictionary<string, AttributeValue> Key(string streamId, string messageId) => new() { [K.StreamId] = S(streamId), [K.MessageId] = S(messageId) };

    private static Dictionary<string, int>? Reactions(Dictionary<string, AttributeValue> item)
    {
        Dictionary<string, int>? counts = null;
        foreach (var (name, value) in item)
        {
            if (name.StartsWith(ReactionPrefix, StringComparison.Ordinal) && value.SS is { Count: > 0 } users)
            {
                counts ??= new Dictionary<string, int>(StringComparer.Ordinal);
                counts[name[ReactionPrefix.Length..]] = users.Count;
            }
        }

        return counts;
    }

    private static ChatMessage ToMessage(Dictionary<string, AttributeValue> item) => new(
        item.GetString(K.MessageId),
        item.GetString(K.StreamId),
        item.GetString(K.UserId),
        item.GetString(K.Username),
        item.GetString(K.Text),
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(K.SentAt)))
    {
        Hidden = item.TryGetValue(K.Hidden, out var hidden) && hidden.BOOL == true,
        ReplyTo = item.GetOptionalString(ReplyId) is { } parent
            ? new MessageReference(parent, item.GetString(ReplyUser), item.GetString(ReplyName), item.GetString(ReplyQuote))
            : null,
        Reactions = Reactions(item),
    };
}
