using StreamChat.LocalGateway.DynamoDb;
using StreamChat.LocalGateway.Template;
using StreamChat.LocalGateway.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.EndToEnd;

/// <summary>The gateway refuses DynamoDB calls the template does not grant, as IAM would on AWS.</summary>
public sealed class IamTests
{
    [Fact]
    public void Allows_NeedsAMatchingAllow_AndADenyWins()
    {
        PolicyStatement[] statements =
        [
            new(true, ["dynamodb:GetItem", "dynamodb:Put*"], ["arn:aws:dynamodb:us-east-1:000000000000:table/chat-*"]),
            new(false, ["dynamodb:PutItem"], ["arn:aws:dynamodb:us-east-1:000000000000:table/chat-audit"]),
        ];

        Assert.True(DynamoDbIamProxy.Allows(statements, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/chat-messages"));
        Assert.True(DynamoDbIamProxy.Allows(statements, "DynamoDB:PutItem", "arn:aws:dynamodb:us-east-1:000000000000:table/chat-messages"));
        Assert.False(DynamoDbIamProxy.Allows(statements, "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:000000000000:table/chat-audit"));
        Assert.False(DynamoDbIamProxy.Allows(statements, "dynamodb:UpdateItem", "arn:aws:dynamodb:us-east-1:000000000000:table/chat-messages"));
        Assert.False(DynamoDbIamProxy.Allows(statements, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/other"));
        Assert.False(DynamoDbIamProxy.Allows([], "dynamodb:GetItem", "*"));
    }

    [Fact]
    public async Task AMissingGrant_IsRefused_AsAccessDenied_AndTheSenderGetsAnError()
    {
        // The sample's template without the message function's PutItem on the messages table.
        var text = await File.ReadAllTextAsync(PublishedLambda.Template);
        var broken = text.Replace("Action: [dynamodb:PutItem, dynamodb:GetItem, dynamodb:UpdateItem, dynamodb:Query", "Action: [dynamodb:GetItem, dynamodb:UpdateItem, dynamodb:Query", StringComparison.Ordinal);
        Assert.NotEqual(text, broken);
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + "-template.yaml");
        await File.WriteAllTextAsync(path, broken);
        try
        {
            await using var host = await LocalGatewayChatHost.StartAsync(await PublishedLambda.AotAsync(), template: path);
            host.ExpectEveryCallGranted = false;
            await using var ana = await host.ConnectAsync("iam", "ana");

            await ana.SendMessageAsync("hello");

            Assert.Equal("internal_error", (await ana.ReceiveAsync("error")).GetProperty("code").GetString());
            Assert.True(host.Gateway.AccessDenied >= 1);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
