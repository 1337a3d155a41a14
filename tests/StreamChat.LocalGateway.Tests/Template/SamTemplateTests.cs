using System.Diagnostics;
using Amazon.DynamoDBv2;
using StreamChat.LocalGateway.DynamoDb;
using StreamChat.LocalGateway.Template;
using StreamChat.LocalGateway.Tests.Infrastructure;

namespace StreamChat.LocalGateway.Tests.Template;

/// <summary>What the gateway reads from the sample's template.yaml, and the Native AOT build it deploys by default.</summary>
public sealed class SamTemplateTests
{
    private static SamTemplate Load(Dictionary<string, string>? parameters = null) =>
        SamTemplate.Load(PublishedLambda.Template, "stack", "eu-west-2", parameters ?? []);

    [Fact]
    public void Routes_Stage_AndExpression_ComeFromTheWebSocketApi()
    {
        var template = Load();

        Assert.Equal("$request.body.action", template.RouteSelectionExpression);
        Assert.Equal("prod", template.StageName);
        Assert.Equal("ConnectionFunction", template.Routes["$connect"].LogicalId);
        Assert.Equal("ConnectionFunction", template.Routes["$disconnect"].LogicalId);
        Assert.Equal("MessageFunction", template.Routes["message"].LogicalId);
        Assert.Equal("MessageFunction", template.Routes["$default"].LogicalId);
        Assert.Equal("yolo", Load(new() { ["StageName"] = "yolo" }).StageName);
    }

    [Fact]
    public void Functions_TakeTheGlobals_TheirOwnSettings_AndParameters()
    {
        var message = Load().Functions["MessageFunction"];
        Assert.Equal("stack-message", message.FunctionName);
        Assert.Equal("provided.al2023", message.Runtime);
        Assert.Equal("bootstrap", message.Handler);
        Assert.Equal(TimeSpan.FromSeconds(29), message.Timeout);
        Assert.Equal(1024, message.MemorySize);
        Assert.Equal("./publish", message.CodeUri);

        var managed = Load(new() { ["FunctionRuntime"] = "dotnet10" }).Functions["ConnectionFunction"];
        Assert.Equal("dotnet10", managed.Runtime);
        Assert.Equal("StreamChat.Samples.Lambda::StreamChat.Samples.Lambda.Function::HandleAsync", managed.Handler);
        Assert.Equal(TimeSpan.FromSeconds(10), managed.Timeout);
    }

    [Fact]
    public void Environment_ResolvesRefsAndConditions_AndLeavesNoValueOut()
    {
        var env = Load().Functions["MessageFunction"].Environment;
        Assert.Equal("stack-ConnectionsTable", env["StreamChatDynamoDb__ConnectionsTableName"]);
        Assert.Equal("stack-RateLimitsTable", env["StreamChatDynamoDb__RateLimitsTableName"]);
        Assert.Equal("false", env["StreamChat__AllowDevelopmentIdentity"]);
        Assert.Equal("FailOpen", env["StreamChat__Moderation__FailureMode"]);
        Assert.False(env.ContainsKey("StreamChatLambda__AllowedOrigins__0"));
        Assert.False(env.ContainsKey("StreamChatLambda__Jwt__JwksUri"));

        var withOrigin = Load(new() { ["AllowedOrigin"] = "https://watch.example.com", ["AllowDevelopmentIdentity"] = "true" }).Functions["ConnectionFunction"].Environment;
        Assert.Equal("https://watch.example.com", withOrigin["StreamChatLambda__AllowedOrigins__0"]);
        Assert.Equal("true", withOrigin["StreamChat__AllowDevelopmentIdentity"]);
    }

    [Fact]
    public void UnknownParameter_OrABrokenTemplate_IsAClearError()
    {
        Assert.Contains("no such parameter", Assert.Throws<TemplateException>(() => Load(new() { ["Nope"] = "1" })).Message, StringComparison.Ordinal);

        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, "Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: { ProtocolType: HTTP }\n");
        try
        {
            Assert.Contains("WEBSOCKET", Assert.Throws<TemplateException>(() => SamTemplate.Load(path, "s", "us-east-1", new Dictionary<string, string>())).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tables_BecomeCreateTableRequests_WithTheirKeysAndIndexes()
    {
        var connections = TemplateTableProvisioner.ToRequest(Load().Tables.Single(t => t.LogicalId == "ConnectionsTable"));

        Assert.Equal("stack-ConnectionsTable", connections.TableName);
        Assert.Equal(BillingMode.PAY_PER_REQUEST, connections.BillingMode);
        Assert.Equal("connectionId", connections.KeySchema.Single().AttributeName);
        Assert.Equal(["streamId-index", "streamUser-index"], connections.GlobalSecondaryIndexes.Select(i => i.IndexName));
        Assert.Equal(ProjectionType.INCLUDE, connections.GlobalSecondaryIndexes[0].Projection.ProjectionType);
        Assert.Equal(["ttl"], connections.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes);
        var messages = TemplateTableProvisioner.ToRequest(Load().Tables.Single(t => t.LogicalId == "MessagesTable"));
        Assert.Equal([KeyType.HASH, KeyType.RANGE], messages.KeySchema.Select(k => k.KeyType));
    }

    [Fact]
    public async Task NativeAotBootstrap_NeedsNoGlibcNewerThanAmazonLinux2023s()
    {
        // provided.al2023 has glibc 2.34; a bootstrap linked against newer symbols would fail to start there.
        var bootstrap = Path.Combine(await PublishedLambda.AotAsync(), "bootstrap");
        var start = new ProcessStartInfo("objdump", ["-T", bootstrap]) { RedirectStandardOutput = true };
        using var objdump = Process.Start(start) ?? throw new InvalidOperationException("objdump (binutils) is needed.");
        var symbols = await objdump.StandardOutput.ReadToEndAsync();
        await objdump.WaitForExitAsync();

        var versions = System.Text.RegularExpressions.Regex.Matches(symbols, @"GLIBC_(\d+)\.(\d+)")
            .Select(m => new Version(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        Assert.NotEmpty(versions);
        Assert.True(versions.Max() <= new Version(2, 34), $"bootstrap needs GLIBC_{versions.Max()}");
    }
}
