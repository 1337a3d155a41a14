using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>The sample configured the documented way to use DynamoDB (dynalite), provisioning its own tables.</summary>
public sealed class SampleOnDynamoDbTests
{
    [Fact]
    public async Task Sample_WithDynamoDbStorage_ProvisionsTablesChatsAndKeepsHistoryInDynamoDb()
    {
        var url = Environment.GetEnvironmentVariable("STREAMCHAT_DYNAMODB_URL")
            ?? throw new InvalidOperationException("STREAMCHAT_DYNAMODB_URL is not set: run ./test.sh, which starts dynalite.");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var factory = new SampleAppFactory(new Dictionary<string, string>
        {
            ["Sample:Storage"] = "DynamoDb",
            ["Sample:DynamoDbServiceUrl"] = url,
            ["Sample:ProvisionTables"] = "true",
            ["StreamChatDynamoDb:ConnectionsTableName"] = "sample-connections-" + suffix,
            ["StreamChatDynamoDb:MessagesTableName"] = "sample-messages-" + suffix,
            ["StreamChatDynamoDb:AuditTableName"] = "sample-audit-" + suffix,
        });
        var baseAddress = factory.BaseAddress;
        var chatUri = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/chat" };

        chatUri.Query = "streamId=dyn&userId=alice&username=Alice";
        await using var alice = await ChatTestClient.ConnectAsync(chatUri.Uri);
        await alice.ReceiveAsync("welcome");
        await alice.SendMessageAsync("stored in DynamoDB");
        await alice.ReceiveAsync("message");

        chatUri.Query = "streamId=dyn&userId=bob&username=Bob";
        await using var bob = await ChatTestClient.ConnectAsync(chatUri.Uri);
        await bob.ReceiveAsync("welcome");
        await bob.SendAsync("""{"action":"history"}""");
        var history = (await bob.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("stored in DynamoDB", Assert.Single(history).GetProperty("message").GetString());

        var client = factory.Services.GetRequiredService<IAmazonDynamoDB>();
        var messages = await client.ScanAsync(new ScanRequest { TableName = "sample-messages-" + suffix }).DefaultTimeout();
        Assert.Equal(1, messages.Count);
        var connections = await client.ScanAsync(new ScanRequest { TableName = "sample-connections-" + suffix }).DefaultTimeout();
        Assert.Equal(2, connections.Count);
        var audit = await client.ScanAsync(new ScanRequest { TableName = "sample-audit-" + suffix }).DefaultTimeout();
        Assert.Equal(1, audit.Count);
    }
}
