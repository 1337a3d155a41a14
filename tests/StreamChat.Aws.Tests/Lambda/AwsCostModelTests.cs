using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using StreamChat.Aws.DynamoDb;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Core.Connections;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>
/// The AWS cost of one chat message into a stream of N viewers, counted on the AWS host (Lambda handler, dynalite,
/// Management API and Comprehend stand-ins): Lambda invocations, API Gateway messages, DynamoDB requests and capacity
/// units, Comprehend calls and billed units. Priced per million messages beside the original design (a Scan of the
/// connections table and two Comprehend calls per message). docs/aws.md carries the table.
/// </summary>
public sealed class AwsCostModelTests(ITestOutputHelper output)
{
    // Published on-demand prices, us-east-1 (see samples/StreamChat.Samples.Lambda/README.md).
    private const double ApiGatewayPerMessage = 1.00 / 1e6;
    private const double LambdaPerRequest = 0.20 / 1e6;
    private const double WritePerUnit = 0.625 / 1e6;
    private const double ReadPerUnit = 0.125 / 1e6;
    private const double ComprehendPerUnit = 0.0001;

    private sealed record Counts(int Viewers, int Posts, Dictionary<string, long> Requests, double ReadUnits, double WriteUnits, long ComprehendCalls, long ComprehendUnits, double ScanReadUnits)
    {
        public double Ours => LambdaPerRequest + ((1 + Posts) * ApiGatewayPerMessage) + (ReadUnits * ReadPerUnit) + (WriteUnits * WritePerUnit) + (ComprehendUnits * ComprehendPerUnit);

        // The original: the same posts and writes, a Scan instead of the index Query, and two Comprehend calls of 3 units.
        public double Original => LambdaPerRequest + ((1 + Posts) * ApiGatewayPerMessage) + ((ReadUnits - QueryReadUnits + ScanReadUnits) * ReadPerUnit) + (WriteUnits * WritePerUnit) + (6 * ComprehendPerUnit);

        public double QueryReadUnits { get; init; }
    }

    [Fact]
    public async Task OneMessage_CostsOneInvocation_NPlusOnePosts_ConstantDynamoDbRequests_AndOneComprehendCallForANewSender()
    {
        await using var comprehend = await ComprehendStandIn.StartAsync();
        var rows = new List<Counts>();
        foreach (var viewers in new[] { 10, 100, 1_000 })
        {
            rows.Add(await MeasureAsync(comprehend, viewers));
        }

        var report = new StringBuilder()
            .AppendLine("AWS cost of one chat message into a stream of N viewers (counted on the Lambda host; connections table holds N + 2,000 other connections):")
            .AppendLine("| N | Lambda invocations | API Gateway messages | DynamoDB requests | RCU | WCU | original's Scan RCU | Comprehend calls / units | $ per million messages | original design $ per million (Scan, 2 Comprehend calls) |")
            .AppendLine("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var requests = string.Join(", ", row.Requests.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value} {r.Key}"));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Viewers:N0} | 1 | {1 + row.Posts:N0} | {requests} | {row.ReadUnits:0.#} | {row.WriteUnits:0.#} | {row.ScanReadUnits:0.#} | {row.ComprehendCalls} / {row.ComprehendUnits} | {row.Ours * 1e6:N0} | {row.Original * 1e6:N0} |");
        }

        output.WriteLine(report.ToString());

        TestReports.Write("aws-cost-model", report.ToString());

        foreach (var row in rows)
        {
            Assert.Equal(row.Viewers + 1, row.Posts); // every viewer and the sender, each exactly once
            // A sender new in the stream gets the toxicity call only (3 units): the most a message costs by default.
            Assert.Equal(1, row.ComprehendCalls);
            Assert.Equal(3, row.ComprehendUnits);
        }

        // DynamoDB requests do not grow with the audience; the Scan the original did grows with the table.
        Assert.All(rows, r => Assert.Equal(rows[0].Requests.Values.Sum(), r.Requests.Values.Sum()));
        Assert.All(rows, r => Assert.True(r.ScanReadUnits > r.QueryReadUnits, $"Scan {r.ScanReadUnits} vs Query {r.QueryReadUnits}"));
    }

    private static async Task<Counts> MeasureAsync(ComprehendStandIn comprehend, int viewers)
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync(configureBuilder: b =>
        {
            b.Services.AddMetrics();

            // The stream's allowance has a one-second window; a longer one keeps both messages in one window, so each
            // row measures the same steady state.
            b.Services.Configure<StreamChatOptions>(o => o.RateLimits.Stream.Window = TimeSpan.FromMinutes(10));
            b.Services.AddStreamChatCore().AddComprehendModeration(o =>
            {
                o.Endpoint = comprehend.Endpoint;
                o.Region = comprehend.Region;
                o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
            });
        });
        host.AcceptPostsToUnknownConnections = true;
        var store = host.Services.GetRequiredService<IConnectionStore>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < viewers + 2_000; i++)
        {
            // N silent viewers in the stream, and 2,000 connections in other streams that a Scan would also read.
            var stream = i < viewers ? "live-42" : "other-" + (i % 50);
            Assert.True(await store.AddAsync(new ChatConnection($"viewer-{i}", stream, $"v{i}", $"V{i}", now)));
        }

        var sender = await host.ConnectAsync("live-42", "ana-" + viewers);

        // Steady state: the sender's and the stream's rate-limit windows are open (the first message of a window costs one more UpdateItem).
        await sender.SendMessageAsync("Here we go!");
        await sender.ReceiveAsync("message");
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var requests = new MetricCollector<long>(factory, "StreamChat", "streamchat.dynamodb.requests");
        using var capacity = new MetricCollector<double>(factory, "StreamChat", "streamchat.dynamodb.consumed_capacity");
        using var units = new MetricCollector<long>(factory, "StreamChat", "streamchat.comprehend.billed_units");
        using var calls = new MetricCollector<long>(factory, "StreamChat", "streamchat.comprehend.requests");
        var postsBefore = host.Api.Posts.Values.Sum();

        await sender.SendMessageAsync("What a play, well done team!");
        await sender.ReceiveAsync("message");

        var byOperation = requests.GetMeasurementSnapshot()
            .GroupBy(m => (string)m.Tags["operation"]!)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        var reads = capacity.GetMeasurementSnapshot().Where(m => (string)m.Tags["operation"]! is "Query" or "GetItem" or "BatchGetItem").Sum(m => m.Value);
        var queryReads = capacity.GetMeasurementSnapshot().Where(m => (string)m.Tags["operation"]! == "Query" && ((string)m.Tags["table"]!).StartsWith("connections-", StringComparison.Ordinal)).Sum(m => m.Value);
        var writes = capacity.GetMeasurementSnapshot().Where(m => (string)m.Tags["operation"]! is "PutItem" or "UpdateItem" or "DeleteItem" or "BatchWriteItem").Sum(m => m.Value);
        var posts = host.Api.Posts.Values.Sum() - postsBefore;
        var scan = await ScanCostAsync(host);
        await sender.DisposeAsync();
        return new Counts(
            viewers,
            posts,
            byOperation,
            reads,
            writes,
            calls.GetMeasurementSnapshot().Where(m => (string?)m.Tags["outcome"] == "success").Sum(m => m.Value),
            units.GetMeasurementSnapshot().Sum(m => m.Value),
            scan)
        {
            QueryReadUnits = queryReads,
        };
    }

    /// <summary>What the original did instead of the index Query: a Scan of the connections table filtered on the stream.</summary>
    private static async Task<double> ScanCostAsync(ApiGatewayLambdaHost host)
    {
        var client = host.Services.GetRequiredService<IAmazonDynamoDB>();
        var table = host.Services.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value.ConnectionsTableName;
        double units = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await client.ScanAsync(new ScanRequest
            {
                TableName = table,
                FilterExpression = "streamId = :s",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":s"] = new AttributeValue { S = "live-42" } },
                ExclusiveStartKey = start,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            });
            units += page.ConsumedCapacity?.CapacityUnits ?? 0;
            start = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (start is not null);
        return units;
    }
}
