using System.Diagnostics;
using System.Diagnostics.Metrics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Runs DynamoDB requests for the stores: counts each request and the capacity it consumed, and turns a
/// failure that survived the SDK's retries into a <see cref="DynamoDbStoreException"/> naming the operation and table.
/// </summary>
internal sealed class DynamoDbClient
{
    private readonly Counter<long> _requests;
    private readonly Counter<double> _capacity;

    public DynamoDbClient(IAmazonDynamoDB client, IMeterFactory? meterFactory = null)
    {
        Client = client;
        var meter = meterFactory?.Create("StreamChat") ?? new Meter("StreamChat");
        _requests = meter.CreateCounter<long>("streamchat.dynamodb.requests", "{request}", "DynamoDB requests made by the StreamChat stores, by operation and table.");
        _capacity = meter.CreateCounter<double>("streamchat.dynamodb.consumed_capacity", "{capacity_unit}", "DynamoDB capacity units consumed by the StreamChat stores, by operation and table.");
    }

    public IAmazonDynamoDB Client { get; }

    public async Task<T> RunAsync<T>(string operation, string table, Func<IAmazonDynamoDB, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : AmazonWebServiceResponse
    {
        var tags = new TagList { { "operation", operation }, { "table", table } };
        _requests.Add(1, tags);
        T response;
        try
        {
            response = await call(Client, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (ex is not ConditionalCheckFailedException)
        {
            throw new DynamoDbStoreException($"DynamoDB {operation} on table '{table}' failed with {ex.ErrorCode ?? ex.GetType().Name} ({(int)ex.StatusCode}): {ex.Message}", ex);
        }
        catch (AmazonClientException ex)
        {
            throw new DynamoDbStoreException($"DynamoDB {operation} on table '{table}' could not be sent: {ex.Message}", ex);
        }

        var consumed = response switch
        {
            PutItemResponse r => r.ConsumedCapacity?.CapacityUnits,
            DeleteItemResponse r => r.ConsumedCapacity?.CapacityUnits,
            GetItemResponse r => r.ConsumedCapacity?.CapacityUnits,
            QueryResponse r => r.ConsumedCapacity?.CapacityUnits,
            ScanResponse r => r.ConsumedCapacity?.CapacityUnits,
            BatchWriteItemResponse r => r.ConsumedCapacity?.Sum(static c => c.CapacityUnits ?? 0),
            BatchGetItemResponse r => r.ConsumedCapacity?.Sum(static c => c.CapacityUnits ?? 0),
            _ => null,
        };
        if (consumed is > 0)
        {
            _capacity.Add(consumed.Value, tags);
        }

        return response;
    }

    /// <summary>
    /// Writes or deletes many items, 25 to a request, re-sending unprocessed items with exponential
    /// backoff and jitter until all are done or the attempts run out.
    /// </summary>
    public async Task BatchWriteAsync(string table, IReadOnlyList<WriteRequest> requests, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < requests.Count; offset += DynamoDbConstants.BatchWriteSize)
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [table] = requests.Skip(offset).Take(DynamoDbConstants.BatchWriteSize).ToList(),
            };

            for (var attempt = 0; ; attempt++)
            {
                var response = await RunAsync(
                    "BatchWriteItem",
                    table,
                    (client, ct) => client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL }, ct),
                    cancellationToken).ConfigureAwait(false);

                if (response.UnprocessedItems is not { Count: > 0 } unprocessed || unprocessed.Values.All(static v => v.Count == 0))
                {
                    break;
                }

                if (attempt >= 8)
                {
                    throw new DynamoDbStoreException($"DynamoDB BatchWriteItem on table '{table}' left {unprocessed.Values.Sum(static v => v.Count)} items unprocessed after {attempt + 1} attempts.");
                }

                pending = unprocessed;
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Reads many items of one table, 100 keys to a request, re-asking for unprocessed keys with exponential
    /// backoff and jitter until all are read or the attempts run out.
    /// </summary>
    public async Task<List<Dictionary<string, AttributeValue>>> BatchGetAsync(string table, IReadOnlyList<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>(keys.Count);
        for (var offset = 0; offset < keys.Count; offset += DynamoDbConstants.BatchGetSize)
        {
            var pending = keys.Skip(offset).Take(DynamoDbConstants.BatchGetSize).ToList();
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                var request = new BatchGetItemRequest
                {
                    RequestItems = new Dictionary<string, KeysAndAttributes> { [table] = new KeysAndAttributes { Keys = pending } },
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                };
                var response = await RunAsync("BatchGetItem", table, (client, ct) => client.BatchGetItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
                if (response.Responses is not null && response.Responses.TryGetValue(table, out var read))
                {
                    items.AddRange(read);
                }

                pending = response.UnprocessedKeys is not null && response.UnprocessedKeys.TryGetValue(table, out var left) ? left.Keys ?? [] : [];
                if (pending.Count == 0)
                {
                    break;
                }

                if (attempt >= 8)
                {
                    throw new DynamoDbStoreException($"DynamoDB BatchGetItem on table '{table}' left {pending.Count} keys unprocessed after {attempt + 1} attempts.");
                }

                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        return items;
    }

    // Waiting on the service is real time, whatever clock the stores use for time-to-live.
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(2_000, 25 * Math.Pow(2, attempt)) * (0.5 + Random.Shared.NextDouble() / 2));
}
