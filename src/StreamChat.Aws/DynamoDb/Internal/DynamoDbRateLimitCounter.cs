using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using StreamChat.Core.RateLimiting;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Rate-limit windows in DynamoDB, one item per key (<c>counterKey</c>, <c>windowStart</c> in epoch milliseconds,
/// <c>permits</c>, <c>ttl</c> just after the window closes), changed only by conditional updates, so any number of
/// Lambda instances together grant at most the limit per window. No transactions: each step is one atomic UpdateItem.
/// </summary>
/// <remarks>
/// A permit in an open window costs one UpdateItem; the first permit of a window costs two (the increment fails, the
/// reset succeeds); a denial costs three (both updates fail, a consistent GetItem reads when the window closes).
/// </remarks>
internal sealed class DynamoDbRateLimitCounter : IRateLimitCounter
{
    private const int MaxRounds = 4;

    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly TimeProvider _timeProvider;

    public DynamoDbRateLimitCounter(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, TimeProvider timeProvider)
    {
        _db = db;
        _options = options.Value;
        _timeProvider = timeProvider;
    }

    private string Table => _options.RateLimitsTableName;

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, int permitLimit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        RateLimitArguments.Check(key, permitLimit, window);
        var windowMs = (long)window.TotalMilliseconds;
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var cutoff = now - windowMs;

            // 1. A permit from the open window.
            if (await TryUpdateAsync(
                key,
                "SET #c = #c + :one",
                "#ws > :cutoff AND #c < :limit",
                new() { [":one"] = N(1), [":cutoff"] = N(cutoff), [":limit"] = N(permitLimit) },
                cancellationToken).ConfigureAwait(false))
            {
                return RateLimitDecision.Allowed;
            }

            // 2. No open window (none yet, or it closed): open one with this permit.
            if (await TryUpdateAsync(
                key,
                "SET #ws = :now, #c = :one, #ttl = :ttl",
                "attribute_not_exists(#ws) OR #ws <= :cutoff",
                new() { [":now"] = N(now), [":one"] = N(1), [":cutoff"] = N(cutoff), [":ttl"] = N(((now + windowMs) / 1000) + 60) },
                cancellationToken).ConfigureAwait(false))
            {
                return RateLimitDecision.Allowed;
            }

            // 3. Both failed: the window is open and full, unless another instance changed it in between.
            var item = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            if (item is not null && item.GetNumber(K.Count) >= permitLimit)
            {
                var left = item.GetNumber(K.WindowStart) + windowMs - _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                if (left > 0)
                {
                    return RateLimitDecision.Denied(TimeSpan.FromMilliseconds(left));
                }
            }
        }

        throw new DynamoDbStoreException($"The rate-limit window of '{key}' in table '{Table}' kept changing under {MaxRounds} attempts.");
    }

    private async Task<bool> TryUpdateAsync(string key, string update, string condition, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        var request = new UpdateItemRequest
        {
            TableName = Table,
            Key = new Dictionary<string, AttributeValue> { [K.CounterKey] = S(key) },
            UpdateExpression = update,
            ConditionExpression = condition,
            ExpressionAttributeNames = Names(update + condition),
            ExpressionAttributeValues = values,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        try
        {
            await _db.RunAsync("UpdateItem", Table, (c, ct) => c.UpdateItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<Dictionary<string, AttributeValue>?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var request = new GetItemRequest
        {
            TableName = Table,
            Key = new Dictionary<string, AttributeValue> { [K.CounterKey] = S(key) },
            ConsistentRead = true,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        var response = await _db.RunAsync("GetItem", Table, (c, ct) => c.GetItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    // Only the names an expression uses may be given.
    private static Dictionary<string, string> Names(string expressions)
    {
        var names = new Dictionary<string, string>();
        foreach (var (alias, name) in new[] { ("#c", K.Count), ("#ws", K.WindowStart), ("#ttl", K.Ttl) })
        {
            if (expressions.Contains(alias, StringComparison.Ordinal))
            {
                names[alias] = name;
            }
        }

        return names;
    }
}
