using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.Aws.DynamoDb;
using StreamChat.Core.Broadcasting;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Infrastructure;

/// <summary>
/// The DynamoDB-compatible server the tests talk to: dynalite, which ./test.sh installs, starts on a free
/// loopback port and stops. Its address comes in STREAMCHAT_DYNAMODB_URL.
/// </summary>
internal static class Dynalite
{
    public static Uri Url
    {
        get
        {
            var url = Environment.GetEnvironmentVariable("STREAMCHAT_DYNAMODB_URL");
            return string.IsNullOrEmpty(url)
                ? throw new InvalidOperationException(
                    "No DynamoDB endpoint: STREAMCHAT_DYNAMODB_URL is not set. Run ./test.sh, which installs and starts dynalite, " +
                    "or start it yourself (npm install dynalite@4.0.0 && npx dynalite --port 4567 --createTableMs 0 --deleteTableMs 0 --updateTableMs 0) " +
                    "and set STREAMCHAT_DYNAMODB_URL=http://127.0.0.1:4567.")
                : new Uri(url);
        }
    }

    public static AmazonDynamoDBClient CreateClient() => new(
        new BasicAWSCredentials("test", "test"),
        new AmazonDynamoDBConfig { ServiceURL = Url.ToString(), AuthenticationRegion = "us-east-1", RetryMode = RequestRetryMode.Standard, MaxErrorRetry = 2 });

    /// <summary>Table names of their own, so tests never see each other's data.</summary>
    public static void UniqueTables(DynamoDbStoreOptions options)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        options.ConnectionsTableName = "connections-" + suffix;
        options.MessagesTableName = "messages-" + suffix;
        options.AuditTableName = "audit-" + suffix;
        options.SanctionsTableName = "sanctions-" + suffix;
        options.RateLimitsTableName = "ratelimits-" + suffix;
    }

    /// <summary>A service provider with StreamChat on DynamoDB (fresh tables, provisioned) and the given clock.</summary>
    public static async Task<ServiceProvider> StartAsync(TimeProvider time, Action<DynamoDbStoreOptions>? configure = null, Action<IServiceCollection>? services = null, bool auditTrail = false)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddMetrics();
        collection.AddSingleton(time);
        collection.AddSingleton<IAmazonDynamoDB>(CreateClient());
        collection.AddSingleton(Substitute.For<IChatBroadcaster>());
        services?.Invoke(collection);
        var builder = collection.AddStreamChatCore().AddDynamoDbStores(o =>
        {
            UniqueTables(o);
            configure?.Invoke(o);
        });
        if (auditTrail)
        {
            builder.AddDynamoDbAuditTrail();
        }

        var provider = collection.BuildServiceProvider();
        await provider.GetRequiredService<IDynamoDbTableProvisioner>().EnsureTablesAsync().DefaultTimeout();
        return provider;
    }

    /// <summary>Writes items fast: 25 to a request, 8 requests at a time, retrying anything unprocessed.</summary>
    public static async Task SeedAsync(IAmazonDynamoDB client, string table, IEnumerable<Dictionary<string, AttributeValue>> items)
    {
        var batches = items.Chunk(25).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [table] = batch.Select(static i => new WriteRequest { PutRequest = new PutRequest { Item = i } }).ToList(),
            };
            while (pending.Count > 0)
            {
                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct);
                pending = response.UnprocessedItems ?? [];
            }
        });
    }
}
