using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamChat.Aws.DynamoDb;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core.Moderation;
using StreamChat.Core.Protocol;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>What only the AWS host shows: limits shared by Lambda instances, and the audit trail read back from DynamoDB.</summary>
public sealed class LambdaModeratorToolsTests
{
    [Fact]
    public async Task RateLimit_HoldsAcrossTwoSeparatelyBuiltPipelines_SharingOneDynamoDb()
    {
        await using var first = await ApiGatewayLambdaHost.StartAsync(o => o.RateLimits.Viewer.PermitLimit = 4);
        var tables = first.Services.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;

        // A second Lambda instance: its own service provider and pipeline, the same tables.
        await using var second = await ApiGatewayLambdaHost.StartAsync(
            o => o.RateLimits.Viewer.PermitLimit = 4,
            b => b.Services.Configure<DynamoDbStoreOptions>(o =>
            {
                o.ConnectionsTableName = tables.ConnectionsTableName;
                o.MessagesTableName = tables.MessagesTableName;
                o.AuditTableName = tables.AuditTableName;
                o.SanctionsTableName = tables.SanctionsTableName;
                o.RateLimitsTableName = tables.RateLimitsTableName;
            }));
        second.AcceptPostsToUnknownConnections = true;
        await using var fan = await first.ConnectAsync("shared", "fan");

        for (var i = 0; i < 10; i++)
        {
            var json = $$"""{"action":"message","message":"number {{i}}"}""";
            var response = await (i % 2 == 0 ? first : second).InvokeAsync(Events.Message(((LambdaTestConnection)fan).ConnectionId, json, base64: false));
            Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        }

        await fan.SendAsync("""{"action":"history"}""");
        var history = (await fan.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(4, history.Count);
        var blocked = second.Services.GetRequiredService<IModerationAuditReader>()
            .ReadAsync("shared", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(6, await blocked.CountAsync(e => e.Reason == BlockReason.RateLimited));
    }

    [Fact]
    public async Task AuditTrail_ListsTheStreamsModerationActions_WhoWhomWhatAndWhen()
    {
        await using var host = await ApiGatewayLambdaHost.StartAsync();
        await using var mod = await host.ConnectAsync("audited", "mia", role: "moderator");
        await using var loud = await host.ConnectAsync("audited", "loud");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await mod.SendMessageAsync("/timeout loud 60 caps");
        await mod.ReceiveAsync("command_result");
        await loud.SendMessageAsync("LET ME TALK");
        await loud.ReceiveAsync("message_blocked");
        await mod.SendMessageAsync("/slow 5");
        await mod.ReceiveAsync("command_result");

        var entries = await host.Services.GetRequiredService<IModerationAuditReader>().ReadAsync("audited", before, DateTimeOffset.UtcNow.AddSeconds(1)).ToListAsync();
        var timeout = Assert.Single(entries, e => e.Rule == "command.timeout");
        Assert.Equal((ModerationAction.Command, "mia", "loud", "loud 60 caps"), (timeout.Action, timeout.UserId, timeout.TargetUserId, timeout.Text));
        Assert.InRange(timeout.Timestamp, before, DateTimeOffset.UtcNow);
        var muted = Assert.Single(entries, e => e.Reason == BlockReason.Muted);
        Assert.Equal(("loud", "sanction.timeout", ModerationAction.Blocked), (muted.UserId, muted.Rule, muted.Action));
        Assert.Single(entries, e => e.Rule == "command.slow" && e.TargetUserId is null);
    }
}
