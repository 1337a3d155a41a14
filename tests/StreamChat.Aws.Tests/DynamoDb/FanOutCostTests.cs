using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Aws.DynamoDb;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core.Connections;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Aws.Tests.DynamoDb;

/// <summary>
/// What reading a stream's connections for one broadcast costs: the index Query StreamChat does, against
/// the table Scan the original deployment did, for a stream of 1,000 among 10,000 connections and among 1,000.
/// </summary>
public sealed class FanOutCostTests
{
    private readonly ITestOutputHelper _output;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public FanOutCostTests(ITestOutputHelper output) => _output = output;

    private sealed record Cost(int Requests, double CapacityUnits, int Connections);

    [Fact]
    public async Task BroadcastRead_CostGrowsWithTheStreamNotTheTable_AndBeatsAScan()
    {
        var small = await MeasureAsync(totalConnections: 1_000, inStream: 1_000);
        var large = await MeasureAsync(totalConnections: 10_000, inStream: 1_000);

        var report = new StringBuilder()
            .AppendLine("DynamoDB cost of reading one stream's connections for a broadcast (dynalite, eventually consistent reads):")
            .AppendLine("| table | stream | method | requests | read capacity units | connections found |")
            .AppendLine("|---:|---:|---|---:|---:|---:|");
        foreach (var (table, query, scan) in new[] { (1_000, small.Query, small.Scan), (10_000, large.Query, large.Scan) })
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {table:N0} | 1,000 | Query on streamId-index (StreamChat) | {query.Requests} | {query.CapacityUnits:0.#} | {query.Connections:N0} |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| {table:N0} | 1,000 | Scan with a streamId filter (original) | {scan.Requests} | {scan.CapacityUnits:0.#} | {scan.Connections:N0} |");
        }

        _output.WriteLine(report.ToString());
        TestReports.Write("dynamodb-fanout", report.ToString());

        Assert.Equal(1_000, large.Query.Connections);
        Assert.Equal(1_000, large.Scan.Connections);

        // The Query reads the same whatever the table holds; the Scan reads the whole table.
        Assert.Equal(small.Query.CapacityUnits, large.Query.CapacityUnits);
        Assert.Equal(small.Query.Requests, large.Query.Requests);
        Assert.True(large.Scan.CapacityUnits >= 5 * large.Query.CapacityUnits, $"Scan {large.Scan.CapacityUnits} RCU vs Query {large.Query.CapacityUnits} RCU.");
        Assert.True(large.Query.CapacityUnits > 0, "dynalite reported no consumed capacity.");
    }

    private async Task<(Cost Query, Cost Scan)> MeasureAsync(int totalConnections, int inStream)
    {
        await using var provider = await Dynalite.StartAsync(_time);
        var options = provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
        var client = provider.GetRequiredService<IAmazonDynamoDB>();
        var ttl = _time.GetUtcNow().AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        // API Gateway-like 16-character connection ids; the other connections spread over 90 streams.
        var items = Enumerable.Range(0, totalConnections).Select(i => new Dictionary<string, AttributeValue>
        {
            ["connectionId"] = new AttributeValue { S = Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..15] + "=" },
            ["streamId"] = new AttributeValue { S = i < inStream ? "live" : "other-" + (i % 90) },
            ["userId"] = new AttributeValue { S = "user-" + i },
            ["username"] = new AttributeValue { S = "Viewer " + i },
            ["connectedAt"] = new AttributeValue { N = "1764072000000" },
            ["ttl"] = new AttributeValue { N = ttl },
        });
        await Dynalite.SeedAsync(client, options.ConnectionsTableName, items);

        var meterFactory = provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var requests = new MetricCollector<long>(meterFactory, "StreamChat", "streamchat.dynamodb.requests");
        using var capacity = new MetricCollector<double>(meterFactory, "StreamChat", "streamchat.dynamodb.consumed_capacity");
        var ids = await provider.GetRequiredService<IConnectionStore>().GetConnectionIdsAsync("live");
        var query = new Cost(requests.GetMeasurementSnapshot().Count, capacity.GetMeasurementSnapshot().Sum(static m => m.Value), ids.Count);

        // The original deployment's fan-out: Scan the connections table with a filter on the stream.
        int scanRequests = 0, found = 0;
        double scanCapacity = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await client.ScanAsync(new ScanRequest
            {
                TableName = options.ConnectionsTableName,
                FilterExpression = "streamId = :s",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = new AttributeValue { S = "live" } },
                ExclusiveStartKey = start,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            });
            scanRequests++;
            found += page.Count ?? 0;
            scanCapacity += page.ConsumedCapacity?.CapacityUnits ?? 0;
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return (query, new Cost(scanRequests, scanCapacity, found));
    }
}
