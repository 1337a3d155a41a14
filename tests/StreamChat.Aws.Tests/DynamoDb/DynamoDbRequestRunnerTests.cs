using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using StreamChat.Aws.DynamoDb.Internal;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.DynamoDb;

/// <summary>Partial batches (throttled partitions): what a request left unprocessed is sent again, and only that.</summary>
public sealed class DynamoDbRequestRunnerTests
{
    private static WriteRequest Delete(string id) => new() { DeleteRequest = new DeleteRequest { Key = new() { ["connectionId"] = new AttributeValue { S = id } } } };

    private static Dictionary<string, AttributeValue> Key(string id) => new() { ["connectionId"] = new AttributeValue { S = id } };

    [Fact]
    public async Task BatchWriteAsync_UnprocessedItems_AreResentAloneUntilNoneAreLeft()
    {
        var client = Substitute.For<IAmazonDynamoDB>();
        var sent = new List<List<string>>();
        client.BatchWriteItemAsync(Arg.Any<BatchWriteItemRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var items = call.Arg<BatchWriteItemRequest>().RequestItems["t"];
            sent.Add(items.Select(static w => w.DeleteRequest.Key["connectionId"].S).ToList());
            var left = sent.Count == 1 ? new Dictionary<string, List<WriteRequest>> { ["t"] = [Delete("b")] } : [];
            return new BatchWriteItemResponse { UnprocessedItems = left };
        });

        await new DynamoDbRequestRunner(client).BatchWriteAsync("t", [Delete("a"), Delete("b"), Delete("c")], CancellationToken.None).DefaultTimeout();

        Assert.Equal([["a", "b", "c"], ["b"]], sent);
    }

    [Fact]
    public async Task BatchGetAsync_UnprocessedKeys_AreAskedForAgain_AndEveryItemIsReturnedOnce()
    {
        var client = Substitute.For<IAmazonDynamoDB>();
        var asked = new List<List<string>>();
        client.BatchGetItemAsync(Arg.Any<BatchGetItemRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var keys = call.Arg<BatchGetItemRequest>().RequestItems["t"].Keys.Select(static k => k["connectionId"].S).ToList();
            asked.Add(keys);
            var first = asked.Count == 1;
            return new BatchGetItemResponse
            {
                Responses = new() { ["t"] = (first ? keys.Take(1) : keys).Select(Key).ToList() },
                UnprocessedKeys = first ? new() { ["t"] = new KeysAndAttributes { Keys = keys.Skip(1).Select(Key).ToList() } } : [],
            };
        });

        var items = await new DynamoDbRequestRunner(client).BatchGetAsync("t", [Key("a"), Key("b"), Key("c")], CancellationToken.None).DefaultTimeout();

        Assert.Equal([["a", "b", "c"], ["b", "c"]], asked);
        Assert.Equal(["a", "b", "c"], items.Select(static i => i["connectionId"].S));
    }
}
