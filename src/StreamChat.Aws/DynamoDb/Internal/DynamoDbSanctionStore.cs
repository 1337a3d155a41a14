using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using StreamChat.Core.Sanctions;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Sanctions in DynamoDB: one item per sanction, keyed by <c>streamId</c> and <c>subject</c> (<c>ban#USER</c>,
/// <c>timeout#USER</c>, <c>shadowban#USER</c>, <c>mod#USER</c>, and <c>slowmode</c> for the stream). A time-out carries a
/// <c>ttl</c>; readers ignore expired items whenever DynamoDB deletes them. Reading a standing is one consistent
/// BatchGetItem of five keys, so a ban issued through one Lambda instance holds on the next message to any other.
/// </summary>
internal sealed class DynamoDbSanctionStore : ISanctionStore
{
    private const string SlowModeSubject = "slowmode";

    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly TimeProvider _timeProvider;

    public DynamoDbSanctionStore(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, TimeProvider timeProvider)
    {
        _db = db;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    private string Table => _options.SanctionsTableName;

    public async Task<ChatStanding> GetStandingAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var keys = new List<Dictionary<string, AttributeValue>>
        {
            Key(streamId, Subject(SanctionKind.Ban, userId)),
            Key(streamId, Subject(SanctionKind.Timeout, userId)),
            Key(streamId, Subject(SanctionKind.ShadowBan, userId)),
            Key(streamId, Subject(SanctionKind.Moderator, userId)),
            Key(streamId, SlowModeSubject),
        };
        var items = await _db.BatchGetAsync(Table, keys, cancellationToken, consistentRead: true).ConfigureAwait(false);
        var now = _timeProvider.GetUtcNow();
        var standing = ChatStanding.None;
        foreach (var item in items)
        {
            if (!InForce(item, now))
            {
                continue;
            }

            var subject = item.GetString(K.Subject);
            if (subject == SlowModeSubject)
            {
                standing = standing with { SlowMode = TimeSpan.FromMilliseconds(item.GetNumber(K.IntervalMs)) };
            }
            else if (subject.StartsWith("ban#", StringComparison.Ordinal))
            {
                standing = standing with { IsBanned = true };
            }
            else if (subject.StartsWith("timeout#", StringComparison.Ordinal))
            {
                standing = standing with { TimedOutUntil = DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(K.ExpiresAt)) };
            }
            else if (subject.StartsWith("shadowban#", StringComparison.Ordinal))
            {
                standing = standing with { IsShadowBanned = true };
            }
            else if (subject.StartsWith("mod#", StringComparison.Ordinal))
            {
                standing = standing with { IsGrantedModerator = true };
            }
        }

        return standing;
    }

    public async Task SetAsync(string streamId, string userId, SanctionKind kind, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        SanctionArguments.Check(streamId, userId, kind, expiresAt);
        var item = Key(streamId, Subject(kind, userId));
        item[K.UserId] = S(userId);
        if (expiresAt is { } expiry)
        {
            item[K.ExpiresAt] = N(expiry.ToUnixTimeMilliseconds());

            // DynamoDB deletes in whole seconds, late; readers compare expiresAt to the millisecond.
            item[K.Ttl] = N((long)Math.Ceiling(expiry.ToUnixTimeMilliseconds() / 1000d));
        }

        await PutAsync(item, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveAsync(string streamId, string userId, SanctionKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var request = new DeleteItemRequest
        {
            TableName = Table,
            Key = Key(streamId, Subject(kind, userId)),
            ReturnValues = ReturnValue.ALL_OLD,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        var response = await _db.RunAsync("DeleteItem", Table, (c, ct) => c.DeleteItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Attributes is { Count: > 0 } old && InForce(old, _timeProvider.GetUtcNow());
    }

    public async Task SetSlowModeAsync(string streamId, TimeSpan? interval, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        SanctionArguments.CheckSlowMode(interval);
        if (interval is { } value)
        {
            var item = Key(streamId, SlowModeSubject);
            item[K.IntervalMs] = N((long)value.TotalMilliseconds);
            await PutAsync(item, cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = new DeleteItemRequest { TableName = Table, Key = Key(streamId, SlowModeSubject), ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL };
        await _db.RunAsync("DeleteItem", Table, (c, ct) => c.DeleteItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyCollection<string>> GetModeratorsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var now = _timeProvider.GetUtcNow();
        var moderators = new List<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var request = new QueryRequest
            {
                TableName = Table,
                KeyConditionExpression = "streamId = :s AND begins_with(subject, :p)",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = S(streamId), [":p"] = S("mod#") },
                ConsistentRead = true,
                ExclusiveStartKey = start,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
            var response = await _db.RunAsync("Query", Table, (c, ct) => c.QueryAsync(request, ct), cancellationToken).ConfigureAwait(false);
            moderators.AddRange((response.Items ?? []).Where(i => InForce(i, now)).Select(static i => i.GetString(K.UserId)));
            start = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return moderators;
    }

    private static string Subject(SanctionKind kind, string userId) => kind switch
    {
        SanctionKind.Ban => "ban#",
        SanctionKind.Timeout => "timeout#",
        SanctionKind.ShadowBan => "shadowban#",
        SanctionKind.Moderator => "mod#",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sanction kind."),
    } + userId;

    private static Dictionary<string, AttributeValue> Key(string streamId, string subject) => new() { [K.StreamId] = S(streamId), [K.Subject] = S(subject) };

    private static bool InForce(Dictionary<string, AttributeValue> item, DateTimeOffset now) =>
        !item.TryGetValue(K.ExpiresAt, out var expiresAt) || expiresAt.N is null || item.GetNumber(K.ExpiresAt) > now.ToUnixTimeMilliseconds();

    private async Task PutAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        var request = new PutItemRequest { TableName = Table, Item = item, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL };
        await _db.RunAsync("PutItem", Table, (c, ct) => c.PutItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
    }
}
