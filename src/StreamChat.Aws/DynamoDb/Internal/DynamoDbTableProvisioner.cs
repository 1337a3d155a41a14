using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <inheritdoc cref="IDynamoDbTableProvisioner"/>
internal sealed partial class DynamoDbTableProvisioner : IDynamoDbTableProvisioner
{
    private static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(5);

    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbStoreOptions _options;
    private readonly ILogger _logger;
    private readonly bool _withAuditTable;

    public DynamoDbTableProvisioner(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, ILogger<DynamoDbTableProvisioner> logger, DynamoDbModerationAuditSink? auditTrail = null)
    {
        _withAuditTable = auditTrail is not null;
        _client = db.Client;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task EnsureTablesAsync(CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(ConnectionsTable(_options.ConnectionsTableName, _options.StreamIndexName, _options.UserIndexName), cancellationToken).ConfigureAwait(false);
        await EnsureTableAsync(KeyedTable(_options.MessagesTableName, K.StreamId, K.MessageId), cancellationToken).ConfigureAwait(false);
        await EnsureTableAsync(KeyedTable(_options.SanctionsTableName, K.StreamId, K.Subject), cancellationToken).ConfigureAwait(false);
        await EnsureTableAsync(HashTable(_options.RateLimitsTableName, K.CounterKey), cancellationToken).ConfigureAwait(false);
        if (_withAuditTable)
        {
            await EnsureTableAsync(KeyedTable(_options.AuditTableName, K.StreamId, K.DecidedAt), cancellationToken).ConfigureAwait(false);
        }
    }

    internal static CreateTableRequest ConnectionsTable(string tableName, string streamIndexName, string userIndexName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(K.ConnectionId, ScalarAttributeType.S),
            new AttributeDefinition(K.StreamId, ScalarAttributeType.S),
            new AttributeDefinition(K.StreamUser, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(K.ConnectionId, KeyType.HASH)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = streamIndexName,
                KeySchema = [new KeySchemaElement(K.StreamId, KeyType.HASH)],

                // Fan-out needs the connection id (a key, always projected) and ttl to skip expired records.
                Projection = new Projection { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = [K.Ttl] },
            },
            new GlobalSecondaryIndex
            {
                IndexName = userIndexName,
                KeySchema = [new KeySchemaElement(K.StreamUser, KeyType.HASH)],

                // A user has a handful of connections; the limit check, a ban and a send to one user read them whole.
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
    };

    internal static CreateTableRequest HashTable(string name, string hashKey) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions = [new AttributeDefinition(hashKey, ScalarAttributeType.S)],
        KeySchema = [new KeySchemaElement(hashKey, KeyType.HASH)],
    };

    internal static CreateTableRequest KeyedTable(string name, string hashKey, string rangeKey) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(hashKey, ScalarAttributeType.S),
            new AttributeDefinition(rangeKey, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(hashKey, KeyType.HASH), new KeySchemaElement(rangeKey, KeyType.RANGE)],
    };

    private async Task EnsureTableAsync(CreateTableRequest create, CancellationToken cancellationToken)
    {
        var table = await DescribeAsync(create.TableName, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            try
            {
                await _client.CreateTableAsync(create, cancellationToken).ConfigureAwait(false);
                Log.Created(_logger, create.TableName);
            }
            catch (ResourceInUseException)
            {
                // Another instance is creating it right now; wait for it below.
            }
        }
        else
        {
            CheckKeys(table, create);
        }

        await WaitUntilActiveAsync(create.TableName, cancellationToken).ConfigureAwait(false);
        await EnsureTimeToLiveAsync(create.TableName, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TableDescription?> DescribeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.DescribeTableAsync(new DescribeTableRequest { TableName = name }, cancellationToken).ConfigureAwait(false)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private static void CheckKeys(TableDescription table, CreateTableRequest expected)
    {
        static string Keys(IEnumerable<KeySchemaElement>? keys) => string.Join(", ", (keys ?? []).Select(static k => k.AttributeName + " " + k.KeyType));
        if (Keys(table.KeySchema) != Keys(expected.KeySchema))
        {
            throw new InvalidOperationException(
                $"DynamoDB table '{table.TableName}' exists with keys ({Keys(table.KeySchema)}) but StreamChat needs ({Keys(expected.KeySchema)}). Use another table name in DynamoDbStoreOptions or recreate the table.");
        }

        foreach (var index in expected.GlobalSecondaryIndexes ?? [])
        {
            if (table.GlobalSecondaryIndexes?.Any(i => i.IndexName == index.IndexName) != true)
            {
                throw new InvalidOperationException(
                    $"DynamoDB table '{table.TableName}' has no global secondary index '{index.IndexName}' on {Keys(index.KeySchema)}. Add it (see docs/aws.md) or set DynamoDbStoreOptions.StreamIndexName / UserIndexName.");
            }
        }
    }

    private async Task WaitUntilActiveAsync(string name, CancellationToken cancellationToken)
    {
        // Waiting on the service is real time, whatever clock the stores use for time-to-live.
        var deadline = TimeProvider.System.GetUtcNow() + ActiveTimeout;
        while (true)
        {
            var table = await DescribeAsync(name, cancellationToken).ConfigureAwait(false);
            var indexesActive = table?.GlobalSecondaryIndexes?.All(static i => i.IndexStatus == IndexStatus.ACTIVE) ?? true;
            if (table?.TableStatus == TableStatus.ACTIVE && indexesActive)
            {
                return;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"DynamoDB table '{name}' did not become ACTIVE within {ActiveTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureTimeToLiveAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var current = await _client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = name }, cancellationToken).ConfigureAwait(false);
            var status = current.TimeToLiveDescription?.TimeToLiveStatus;
            if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING)
            {
                return;
            }

            await _client.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = name,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = K.Ttl, Enabled = true },
                },
                cancellationToken).ConfigureAwait(false);
            Log.TimeToLiveEnabled(_logger, name);
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "UnknownOperationException")
        {
            // DynamoDB-compatible servers for development (dynalite) lack UpdateTimeToLive; readers filter on ttl anyway.
            Log.TimeToLiveUnsupported(_logger, name, ex.ErrorCode ?? ex.Message);
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode == "ValidationException" && ex.Message.Contains("already enabled", StringComparison.OrdinalIgnoreCase))
        {
            // Enabled by someone else in the meantime.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created DynamoDB table {Table}.", EventName = "Created")]
        public static partial void Created(ILogger logger, string table);

        [LoggerMessage(2, LogLevel.Information, "Enabled time-to-live on attribute ttl of DynamoDB table {Table}.", EventName = "TimeToLiveEnabled")]
        public static partial void TimeToLiveEnabled(ILogger logger, string table);

        [LoggerMessage(3, LogLevel.Warning, "The DynamoDB endpoint does not support time-to-live ({Error}); table {Table} keeps expired items, which readers skip.", EventName = "TimeToLiveUnsupported")]
        public static partial void TimeToLiveUnsupported(ILogger logger, string table, string error);
    }
}
