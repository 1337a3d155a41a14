using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Aws.DynamoDb;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Moderation;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Protocol;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.DynamoDb;

public sealed class DynamoDbStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private static Dictionary<string, AttributeValue> ConnectionItem(string id, string stream, long ttl) => new()
    {
        ["connectionId"] = new AttributeValue { S = id },
        ["streamId"] = new AttributeValue { S = stream },
        ["userId"] = new AttributeValue { S = "u-" + id[..Math.Min(8, id.Length)] },
        ["username"] = new AttributeValue { S = "User" },
        ["connectedAt"] = new AttributeValue { N = "1764072000000" },
        ["ttl"] = new AttributeValue { N = ttl.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    [Fact]
    public async Task GetConnectionIdsAsync_PagesPastOneMegabyte_AndCountsEveryConnection()
    {
        await using var provider = await Dynalite.StartAsync(_time);
        var options = provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
        var ttl = _time.GetUtcNow().AddHours(1).ToUnixTimeSeconds();

        // 12,000 connections with 64-character ids: about 1.3 MB of index entries, so at least two pages.
        var ids = Enumerable.Range(0, 12_000).Select(static i => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")).ToList();
        await Dynalite.SeedAsync(provider.GetRequiredService<IAmazonDynamoDB>(), options.ConnectionsTableName, ids.Select(id => ConnectionItem(id, "huge", ttl)));
        var store = provider.GetRequiredService<IConnectionStore>();
        using var requests = new MetricCollector<long>(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "StreamChat", "streamchat.dynamodb.requests");

        var found = await store.GetConnectionIdsAsync("huge").TimeoutAfter(TimeSpan.FromSeconds(60));

        Assert.Equal(ids.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
        Assert.True(requests.GetMeasurementSnapshot().Count(m => (string?)m.Tags["operation"] == "Query") >= 2, "The read did not page.");
        Assert.Equal(12_000, await store.CountAsync("huge").TimeoutAfter(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task GetConnectionIdsAsync_SmallPages_StillReturnsEverything()
    {
        await using var provider = await Dynalite.StartAsync(_time, o => o.QueryPageSize = 7);
        var store = provider.GetRequiredService<IConnectionStore>();
        for (var i = 0; i < 50; i++)
        {
            await store.AddAsync(new ChatConnection("c" + i, i % 2 == 0 ? "even" : "odd", "u" + i, "U", _time.GetUtcNow())).DefaultTimeout();
        }

        Assert.Equal(25, (await store.GetConnectionIdsAsync("even").DefaultTimeout()).Count);
        Assert.Equal(25, await store.CountAsync("odd").DefaultTimeout());
        Assert.Equal(25, (await store.GetByStreamAsync("odd").DefaultTimeout()).Count);
    }

    [Fact]
    public async Task Reads_ExpiredConnectionsTheSweeperHasNotDeleted_AreHiddenAndPurged()
    {
        await using var provider = await Dynalite.StartAsync(_time);
        var options = provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
        var client = provider.GetRequiredService<IAmazonDynamoDB>();
        var past = _time.GetUtcNow().AddMinutes(-5).ToUnixTimeSeconds();
        var future = _time.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        await Dynalite.SeedAsync(client, options.ConnectionsTableName, Enumerable.Range(0, 40).Select(i => ConnectionItem("old" + i, "live", past)));
        await Dynalite.SeedAsync(client, options.ConnectionsTableName, Enumerable.Range(0, 10).Select(i => ConnectionItem("new" + i, "live", future)));
        var store = provider.GetRequiredService<IConnectionStore>();

        Assert.Equal(10, (await store.GetConnectionIdsAsync("live").DefaultTimeout()).Count);
        Assert.Equal(10, await store.CountAsync("live").DefaultTimeout());
        Assert.Null(await store.GetAsync("old1").DefaultTimeout());

        // The read above came across 40 expired records and deleted them.
        var scan = await client.ScanAsync(new ScanRequest { TableName = options.ConnectionsTableName }).DefaultTimeout();
        Assert.Equal(10, scan.Count);
    }

    [Fact]
    public async Task RemoveAsync_UnknownConnection_IsANoOp_AndAddIsOnce()
    {
        await using var provider = await Dynalite.StartAsync(_time);
        var store = provider.GetRequiredService<IConnectionStore>();

        Assert.Null(await store.RemoveAsync("never-added").DefaultTimeout());
        var connection = new ChatConnection("c1", "s", "u", "U", _time.GetUtcNow());
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.AddAsync(connection))).DefaultTimeout();
        Assert.Single(results, static r => r);
    }

    [Fact]
    public async Task AuditTrail_EveryDecisionIsStored_AndReadBackPerStreamAndTime()
    {
        await using var provider = await Dynalite.StartAsync(_time, auditTrail: true);
        var pipeline = provider.GetRequiredService<IChatPipeline>();
        var broadcaster = provider.GetRequiredService<IChatBroadcaster>();
        broadcaster.SendToStreamAsync(default!, default, default, default).ReturnsForAnyArgs(new BroadcastResult(1));
        broadcaster.SendToConnectionAsync(default!, default, default).ReturnsForAnyArgs(new BroadcastResult(1));
        await pipeline.ConnectAsync(new ConnectRequest("c1", "stream-a", "alice", "Alice")).DefaultTimeout();
        await pipeline.ConnectAsync(new ConnectRequest("c2", "stream-b", "bob", "Bob")).DefaultTimeout();

        await pipeline.MessageAsync("c1", Encoding.UTF8.GetBytes("""{"action":"message","message":"hello there"}""")).DefaultTimeout();
        _time.Advance(TimeSpan.FromMinutes(1));
        var middle = _time.GetUtcNow();
        await pipeline.MessageAsync("c1", Encoding.UTF8.GetBytes("""{"action":"message","message":"mail me at a.b@example.com"}""")).DefaultTimeout();
        await pipeline.MessageAsync("c2", Encoding.UTF8.GetBytes("""{"action":"message","message":"buy followers now"}""")).DefaultTimeout();
        _time.Advance(TimeSpan.FromMinutes(1));

        var reader = provider.GetRequiredService<IModerationAuditReader>();
        var all = await reader.ReadAsync("stream-a", middle.AddHours(-1), _time.GetUtcNow()).ToListAsync().AsTask().DefaultTimeout();
        var later = await reader.ReadAsync("stream-a", middle, _time.GetUtcNow()).ToListAsync().AsTask().DefaultTimeout();

        Assert.Equal([ModerationAction.Allowed, ModerationAction.Blocked], all.Select(static e => e.Action));
        var blocked = Assert.Single(later);
        Assert.Equal(BlockReason.Pii, blocked.Reason);
        Assert.Equal("pii.email", blocked.Rule);
        Assert.Equal("alice", blocked.UserId);
        Assert.Equal(middle, blocked.Timestamp);
        Assert.Null(blocked.Text);
        Assert.Equal("spam.phrase", Assert.Single(await reader.ReadAsync("stream-b", middle, _time.GetUtcNow()).ToListAsync().AsTask().DefaultTimeout()).Rule);
    }

    [Fact]
    public async Task MessageStoreFailure_SurfacesAsAClearException_SenderGetsInternalError_ConnectionRecordStays()
    {
        var sent = new List<string>();
        await using var provider = await Dynalite.StartAsync(_time);
        var messagesTable = provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value.MessagesTableName;
        await provider.GetRequiredService<IAmazonDynamoDB>().DeleteTableAsync(messagesTable).DefaultTimeout();
        var broadcaster = provider.GetRequiredService<IChatBroadcaster>();
        broadcaster.SendToStreamAsync(default!, default, default, default).ReturnsForAnyArgs(new BroadcastResult(1));
        broadcaster.SendToConnectionAsync(default!, default, default).ReturnsForAnyArgs(call =>
        {
            sent.Add(Encoding.UTF8.GetString(call.ArgAt<ReadOnlyMemory<byte>>(1).Span));
            return new BroadcastResult(1);
        });
        var pipeline = provider.GetRequiredService<IChatPipeline>();
        await pipeline.ConnectAsync(new ConnectRequest("c1", "s", "alice", "Alice")).DefaultTimeout();

        var direct = await Assert.ThrowsAsync<DynamoDbStoreException>(() => provider.GetRequiredService<StreamChat.Core.Messages.IMessageStore>().GetRecentAsync("s", 10)).DefaultTimeout();
        Assert.Contains(messagesTable, direct.Message, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFoundException", direct.Message, StringComparison.Ordinal);
        Assert.Contains("Query", direct.Message, StringComparison.Ordinal);

        await pipeline.MessageAsync("c1", Encoding.UTF8.GetBytes("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        var error = JsonDocument.Parse(Assert.Single(sent)).RootElement;
        Assert.Equal("internal_error", error.GetProperty("code").GetString());
        Assert.NotNull(await provider.GetRequiredService<IConnectionStore>().GetAsync("c1").DefaultTimeout());
    }

    [Fact]
    public async Task ConnectionStoreFailure_RefusesTheHandshakeWith503()
    {
        await using var provider = await Dynalite.StartAsync(_time);
        var options = provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
        await provider.GetRequiredService<IAmazonDynamoDB>().DeleteTableAsync(options.ConnectionsTableName).DefaultTimeout();

        var result = await provider.GetRequiredService<IChatPipeline>().ConnectAsync(new ConnectRequest("c1", "s", "alice", "Alice")).DefaultTimeout();

        Assert.False(result.IsAccepted);
        Assert.Equal(503, result.StatusCode);
    }

    [Fact]
    public async Task EnsureTablesAsync_IsIdempotent_CreatesTheIndex_AndToleratesMissingTtlApi()
    {
        var logs = new FakeLogCollector();
        await using var provider = await Dynalite.StartAsync(_time, services: s => s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs))), auditTrail: true);
        var provisioner = provider.GetRequiredService<IDynamoDbTableProvisioner>();
        var options = provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
        var client = provider.GetRequiredService<IAmazonDynamoDB>();

        await provisioner.EnsureTablesAsync().DefaultTimeout();
        await provisioner.EnsureTablesAsync().DefaultTimeout();

        var connections = (await client.DescribeTableAsync(options.ConnectionsTableName).DefaultTimeout()).Table;
        Assert.Equal(2, connections.GlobalSecondaryIndexes.Count);
        var index = Assert.Single(connections.GlobalSecondaryIndexes, i => i.IndexName == options.StreamIndexName);
        Assert.Equal("streamId", Assert.Single(index.KeySchema).AttributeName);
        Assert.Equal(ProjectionType.INCLUDE, index.Projection.ProjectionType);
        Assert.Equal(["ttl"], index.Projection.NonKeyAttributes);
        var users = Assert.Single(connections.GlobalSecondaryIndexes, i => i.IndexName == options.UserIndexName);
        Assert.Equal("streamUser", Assert.Single(users.KeySchema).AttributeName);
        Assert.Equal(ProjectionType.ALL, users.Projection.ProjectionType);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, connections.BillingModeSummary?.BillingMode ?? BillingMode.PAY_PER_REQUEST);
        Assert.Equal(["streamId", "subject"], (await client.DescribeTableAsync(options.SanctionsTableName).DefaultTimeout()).Table.KeySchema.Select(static k => k.AttributeName));
        Assert.Equal(["counterKey"], (await client.DescribeTableAsync(options.RateLimitsTableName).DefaultTimeout()).Table.KeySchema.Select(static k => k.AttributeName));
        var messages = (await client.DescribeTableAsync(options.MessagesTableName).DefaultTimeout()).Table;
        Assert.Equal(["streamId", "messageId"], messages.KeySchema.Select(static k => k.AttributeName));
        Assert.Equal(TableStatus.ACTIVE, (await client.DescribeTableAsync(options.AuditTableName).DefaultTimeout()).Table.TableStatus);

        // dynalite has no TTL API: that is reported, not fatal.
        Assert.Contains(logs.GetSnapshot(), static r => r.Id.Name == "TimeToLiveUnsupported" && r.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task EnsureTablesAsync_ExistingTableWithOtherKeys_FailsWithAFix()
    {
        var client = Dynalite.CreateClient();
        var name = "foreign-" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = name,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
        }).DefaultTimeout();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Dynalite.StartAsync(_time, o => o.MessagesTableName = name)).DefaultTimeout();

        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
        Assert.Contains("DynamoDbStoreOptions", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDynamoDbStores_ReplacesTheInMemoryStores_UsesTheRegisteredClient_AndIsIdempotent()
    {
        var client = Dynalite.CreateClient();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IAmazonDynamoDB>(client);
        services.AddSingleton(Substitute.For<IChatBroadcaster>());
        services.AddStreamChatCore().AddDynamoDbStores().AddDynamoDbAuditTrail();
        var count = services.Count;
        services.AddStreamChatCore().AddDynamoDbStores().AddDynamoDbAuditTrail();
        Assert.Equal(count, services.Count);

        using var provider = services.BuildServiceProvider();
        Assert.Equal("DynamoDbConnectionStore", provider.GetRequiredService<IConnectionStore>().GetType().Name);
        Assert.Equal("DynamoDbMessageStore", provider.GetRequiredService<StreamChat.Core.Messages.IMessageStore>().GetType().Name);
        Assert.Equal("DynamoDbModerationAuditSink", provider.GetRequiredService<IModerationAuditSink>().GetType().Name);
    }

    [Theory]
    [InlineData("ConnectionsTableName")]
    [InlineData("ConnectionTimeToLive")]
    [InlineData("AuditTimeToLive")]
    [InlineData("QueryPageSize")]
    public void Options_Invalid_FailValidationNamingTheField(string field)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IAmazonDynamoDB>(Dynalite.CreateClient());
        services.AddStreamChatCore().AddDynamoDbStores(o =>
        {
            switch (field)
            {
                case "ConnectionsTableName": o.ConnectionsTableName = o.MessagesTableName; break;
                case "ConnectionTimeToLive": o.ConnectionTimeToLive = TimeSpan.Zero; break;
                case "AuditTimeToLive": o.AuditTimeToLive = TimeSpan.FromDays(5000); break;
                case "QueryPageSize": o.QueryPageSize = 0; break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }
}
