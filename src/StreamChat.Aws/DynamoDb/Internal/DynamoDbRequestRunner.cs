using System.Diagnostics;
using System.Diagnostics.Metrics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Polly;
using StreamChat.Aws.Internal;
using StreamChat.Core.Diagnostics;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Runs DynamoDB requests for the stores through the SDK client: counts each request and the capacity it consumed,
/// turns a failure that survived the SDK's own retries (its standard retry mode) into a
/// <see cref="DynamoDbStoreException"/> naming the operation and table, and re-sends the items a batch left
/// unprocessed with the one <see cref="AwsRetry"/> policy.
/// </summary>
internal sealed class DynamoDbRequestRunner
{
    // A batch that leaves items unprocessed (throttled partitions) is re-sent with the remainder, up to this many times.
    private const int MaxBatchRetries = 8;

    private readonly Counter<long> _requests;
    private readonly Counter<double> _capacity;

    public DynamoDbRequestRunner(IAmazonDynamoDB client, IMeterFactory? meterFactory = null)
    {
        Client = client;
        var meter = meterFactory?.Create(StreamChatMeter.Name) ?? new Meter(StreamChatMeter.Name);
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
            UpdateItemResponse r => r.ConsumedCapacity?.CapacityUnits,
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
    /// Writes or deletes many items, 25 to a request; the items a request leaves unprocessed are re-sent, with
    /// backoff, until all are done or the retries run out.
    /// </summary>
    public async Task BatchWriteAsync(string table, IReadOnlyList<WriteRequest> requests, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < requests.Count; offset += DynamoDbConstants.BatchWriteSize)
        {
            var batch = new BatchState<Dictionary<string, List<WriteRequest>>>(new() { [table] = requests.Skip(offset).Take(DynamoDbConstants.BatchWriteSize).ToList() });
            var left = await UnprocessedRetry.ExecuteAsync(
                static async (s, ct) =>
                {
                    var (runner, table, batch) = s;
                    var response = await runner.RunAsync(
                        "BatchWriteItem",
                        table,
                        (client, token) => client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = batch.Pending, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL }, token),
                        ct).ConfigureAwait(false);
                    var unprocessed = response.UnprocessedItems is { Count: > 0 } items ? items.Values.Sum(static v => v.Count) : 0;
                    if (unprocessed > 0)
                    {
                        batch.Pending = response.UnprocessedItems!;
                    }

                    return unprocessed;
                },
                (this, table, batch),
                cancellationToken).ConfigureAwait(false);
            if (left > 0)
            {
                throw new DynamoDbStoreException($"DynamoDB BatchWriteItem on table '{table}' left {left} items unprocessed after {MaxBatchRetries + 1} attempts.");
            }
        }
    }

    /// <summary>
    /// Reads many items of one table, 100 keys to a request; the keys a request leaves unprocessed are asked for again,
    /// with backoff, until all are read or the retries run out.
    /// </summary>
    public async Task<List<Dictionary<string, AttributeValue>>> BatchGetAsync(string table, IReadOnlyList<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken, bool consistentRead = false)
    {
        var items = new List<Dictionary<string, AttributeValue>>(keys.Count);
        for (var offset = 0; offset < keys.Count; offset += DynamoDbConstants.BatchGetSize)
        {
            var batch = new BatchState<List<Dictionary<string, AttributeValue>>>(keys.Skip(offset).Take(DynamoDbConstants.BatchGetSize).ToList());
            var left = await UnprocessedRetry.ExecuteAsync(
                static async (s, ct) =>
                {
                    var (runner, table, batch, items, consistentRead) = s;
                    var request = new BatchGetItemRequest
                    {
                        RequestItems = new Dictionary<string, KeysAndAttributes> { [table] = new KeysAndAttributes { Keys = batch.Pending, ConsistentRead = consistentRead } },
                        ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                    };
                    var response = await runner.RunAsync("BatchGetItem", table, (client, token) => client.BatchGetItemAsync(request, token), ct).ConfigureAwait(false);
                    if (response.Responses is not null && response.Responses.TryGetValue(table, out var read))
                    {
                        items.AddRange(read);
                    }

                    batch.Pending = response.UnprocessedKeys is not null && response.UnprocessedKeys.TryGetValue(table, out var unprocessed) ? unprocessed.Keys ?? [] : [];
                    return batch.Pending.Count;
                },
                (this, table, batch, items, consistentRead),
                cancellationToken).ConfigureAwait(false);
            if (left > 0)
            {
                throw new DynamoDbStoreException($"DynamoDB BatchGetItem on table '{table}' left {left} keys unprocessed after {MaxBatchRetries + 1} attempts.");
            }
        }

        return items;
    }

    // Retries while a batch left something unprocessed (the outcome is the count left); errors were already retried by the SDK.
    private static readonly ResiliencePipeline<int> UnprocessedRetry = AwsRetry.Create<int>(
        MaxBatchRetries, static args => ValueTask.FromResult(args.Outcome is { Exception: null, Result: > 0 }));

    private sealed class BatchState<T>(T pending)
    {
        public T Pending { get; set; } = pending;
    }
}
