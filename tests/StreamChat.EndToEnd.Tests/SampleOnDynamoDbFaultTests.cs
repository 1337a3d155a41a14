using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>
/// Issue 19's DynamoDB faults on the other host (docs/reliability.md): the Kestrel sample on DynamoDB, its client's
/// requests passing through a fault-injecting handler. Throttles are retried by the SDK; a write that fails for good
/// reaches the sender as <c>internal_error</c>, is not stored and is seen by nobody, and the socket stays open.
/// </summary>
public sealed class SampleOnDynamoDbFaultTests
{
    [Fact]
    public async Task Throttled_IsRetried_ThrottledForGood_IsInternalErrorForTheSenderOnly_AndNotInHistory()
    {
        var url = new Uri(Environment.GetEnvironmentVariable("STREAMCHAT_DYNAMODB_URL")
            ?? throw new InvalidOperationException("STREAMCHAT_DYNAMODB_URL is not set: run ./test.sh, which starts dynalite."));
        var faults = new FaultInjectingHandler();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var sample = new SampleAppFactory(
            new Dictionary<string, string>
            {
                ["Sample:Storage"] = "DynamoDb",
                ["Sample:DynamoDbServiceUrl"] = url.ToString(),
                ["Sample:ProvisionTables"] = "true",
                ["StreamChat:RateLimits:Enabled"] = "false",
                ["StreamChatDynamoDb:ConnectionsTableName"] = "fault-connections-" + suffix,
                ["StreamChatDynamoDb:MessagesTableName"] = "fault-messages-" + suffix,
                ["StreamChatDynamoDb:AuditTableName"] = "fault-audit-" + suffix,
            },
            services => services.Replace(ServiceDescriptor.Singleton<IAmazonDynamoDB>(FaultyDynamoDb.CreateClient(url, faults))));
        Uri Chat(string user) => new UriBuilder(sample.BaseAddress) { Scheme = "ws", Path = "/chat", Query = $"streamId=faults&userId={user}&username={user}" }.Uri;
        await using var ana = await ChatTestClient.ConnectAsync(Chat("ana"));
        await ana.ReceiveAsync("welcome");
        await using var ben = await ChatTestClient.ConnectAsync(Chat("ben"));
        await ben.ReceiveAsync("welcome");
        await ana.ReceiveAsync("user_joined");

        faults.Throttle("PutItem", times: 2);
        await ana.SendMessageAsync("through the throttle");
        Assert.Equal("through the throttle", (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        await ana.ReceiveAsync("message");

        faults.Throttle("PutItem", times: int.MaxValue);
        await ana.SendMessageAsync("lost to the throttle");
        Assert.Equal("internal_error", (await ana.ReceiveAsync("error", TimeSpan.FromSeconds(30))).GetProperty("code").GetString());
        Assert.Empty(await ben.DrainAsync());

        faults.Clear();
        await ben.SendAsync("""{"action":"history"}""");
        var history = (await ben.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()).ToList();
        Assert.Equal(["through the throttle"], history);
    }
}
