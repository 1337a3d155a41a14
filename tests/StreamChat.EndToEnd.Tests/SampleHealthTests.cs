using System.Net;
using StreamChat.Redis.Tests.Infrastructure;

namespace StreamChat.EndToEnd.Tests;

/// <summary>Issue 19: the sample maps the health checks of the stores and backplane in use at <c>/healthz</c>.</summary>
public sealed class SampleHealthTests
{
    private static async Task<(HttpStatusCode Status, string Body)> HealthAsync(SampleAppFactory sample)
    {
        using var client = new HttpClient { BaseAddress = sample.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task InMemory_IsHealthy()
    {
        await using var sample = new SampleAppFactory();

        Assert.Equal((HttpStatusCode.OK, "Healthy"), await HealthAsync(sample));
    }

    [Fact]
    public async Task OnDynamoDb_HealthyWithItsTables_UnhealthyWhenTheConnectionsTableIsMissing()
    {
        var url = Environment.GetEnvironmentVariable("STREAMCHAT_DYNAMODB_URL")
            ?? throw new InvalidOperationException("STREAMCHAT_DYNAMODB_URL is not set: run ./test.sh, which starts dynalite.");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string>
        {
            ["Sample:Storage"] = "DynamoDb",
            ["Sample:DynamoDbServiceUrl"] = url,
            ["StreamChatDynamoDb:ConnectionsTableName"] = "health-connections-" + suffix,
            ["StreamChatDynamoDb:MessagesTableName"] = "health-messages-" + suffix,
            ["StreamChatDynamoDb:AuditTableName"] = "health-audit-" + suffix,
        };

        await using (var missing = new SampleAppFactory(settings))
        {
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await HealthAsync(missing));
        }

        settings["Sample:ProvisionTables"] = "true";
        await using var provisioned = new SampleAppFactory(settings);
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await HealthAsync(provisioned));
    }

    [Fact]
    public async Task OnRedis_HealthyWhileRedisRuns_UnhealthyWhenItIsKilled_HealthyAgainAfterItRestarts()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var sample = new SampleAppFactory(new Dictionary<string, string> { ["ConnectionStrings:Redis"] = redis.Configuration });
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await HealthAsync(sample));

        await redis.KillAsync();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await HealthAsync(sample));

        await redis.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        (HttpStatusCode Status, string Body) health;
        while ((health = await HealthAsync(sample)).Status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal((HttpStatusCode.OK, "Healthy"), health);
    }
}
