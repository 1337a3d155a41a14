using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Core.Broadcasting;
using StreamChat.Testing;

namespace StreamChat.LocalGateway.Tests.Infrastructure;

/// <summary>
/// The AWS host as a user runs it locally: the published Lambda sample (managed or Native AOT) in separate sandbox
/// processes behind the local gateway, two sandboxes per function, reached over real WebSockets; the stores on
/// dynalite in tables the gateway provisioned from template.yaml. <see cref="Services"/> reads the same tables.
/// </summary>
internal sealed class LocalGatewayChatHost : IChatTestHost
{
    private readonly ServiceProvider _services;

    private LocalGatewayChatHost(LocalGateway gateway, ServiceProvider services, ILoggerFactory loggers)
    {
        Gateway = gateway;
        _services = services;
        Loggers = loggers;
    }

    public LocalGateway Gateway { get; }

    private ILoggerFactory Loggers { get; }

    public IServiceProvider Services => _services;

    /// <summary>DeleteConnection closes the socket normally.</summary>
    public int? BanCloseCode => 1000;

    /// <summary>Gets a value indicating that .NET's WebSocket fails a connection whose text frame is not UTF-8, as RFC 6455 says.</summary>
    public bool FailsConnectionOnInvalidUtf8Text => true;

    public int? OversizedFrameCloseCode => 1009;

    /// <summary>Gets or sets a value indicating whether disposing checks that no DynamoDB request was refused for a missing grant.</summary>
    public bool ExpectEveryCallGranted { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether clients number their message frames (seq), as the test page does.</summary>
    public bool NumberFrames { get; set; } = true;

    public static async Task<LocalGatewayChatHost> StartAsync(string codeDirectory, Action<StreamChatOptions>? configure = null, int instances = 2, IReadOnlyDictionary<string, string>? environment = null, string? staticDirectory = null, string? template = null, TimeSpan? functionTimeout = null)
    {
        var variables = OptionsEnvironment.Of(configure);

        // The template's AllowDevelopmentIdentity parameter sets the option; the tests name themselves unless told not to.
        var identity = new StreamChatOptions { AllowDevelopmentIdentity = true };
        configure?.Invoke(identity);

        // No Comprehend here: the local rules decide, as in the other hosts' conformance runs.
        variables["StreamChatComprehend__Pii__Enabled"] = "false";
        variables["StreamChatComprehend__Toxicity__Enabled"] = "false";
        variables["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            variables[key] = value;
        }

        var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var gateway = await LocalGateway.StartAsync(
            new LocalGatewayOptions
            {
                TemplatePath = template ?? PublishedLambda.Template,
                CodeDirectory = codeDirectory,
                Port = 0,
                Instances = instances,
                DynamoDbEndpoint = Dynalite.Url,
                StackName = "t" + Guid.NewGuid().ToString("N")[..10],
                Parameters = new Dictionary<string, string>
                {
                    ["AllowDevelopmentIdentity"] = identity.AllowDevelopmentIdentity ? "true" : "false",
                    ["FunctionRuntime"] = File.Exists(Path.Combine(codeDirectory, "bootstrap")) ? "provided.al2023" : "dotnet10",
                },
                Environment = variables,
                StaticDirectory = staticDirectory,
                FunctionTimeout = functionTimeout,
            },
            loggers);

        var tables = gateway.Template.Functions["MessageFunction"].Environment;
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IAmazonDynamoDB>(Dynalite.CreateClient());
        collection.AddSingleton(Substitute.For<IChatBroadcaster>());
        collection.AddStreamChatCore().AddDynamoDbStores(o =>
        {
            o.ConnectionsTableName = tables["StreamChatDynamoDb__ConnectionsTableName"];
            o.MessagesTableName = tables["StreamChatDynamoDb__MessagesTableName"];
            o.AuditTableName = tables["StreamChatDynamoDb__AuditTableName"];
            o.SanctionsTableName = tables["StreamChatDynamoDb__SanctionsTableName"];
            o.RateLimitsTableName = tables["StreamChatDynamoDb__RateLimitsTableName"];
        });
        return new LocalGatewayChatHost(gateway, collection.BuildServiceProvider(), loggers);
    }

    public Uri Url(IReadOnlyDictionary<string, string?> query) =>
        new(Gateway.WebSocketUrl + "?" + string.Join('&', query.Where(q => q.Value is not null).Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value!))));

    public async Task<IChatTestConnection> ConnectAsync(string streamId, string userId, string? username = null, string? role = null)
    {
        var client = await ChatTestClient.ConnectAsync(Url(new Dictionary<string, string?>
        {
            ["streamId"] = streamId,
            ["userId"] = userId,
            ["username"] = username ?? userId.ToUpperInvariant(),
            ["role"] = role,
        }));
        client.NumberFrames = NumberFrames;
        return client;
    }

    public Task<int> ConnectExpectingRefusalAsync(string? streamId, string? userId, string? username) =>
        ChatTestClient.ConnectExpectingRefusalAsync(Url(new Dictionary<string, string?> { ["streamId"] = streamId, ["userId"] = userId, ["username"] = username }));

    public async ValueTask DisposeAsync()
    {
        // Every DynamoDB call the functions made must be one template.yaml grants them (AWS would refuse it).
        var denied = Gateway.AccessDenied;
        await Gateway.DisposeAsync();
        await _services.DisposeAsync();
        Loggers.Dispose();
        Assert.True(denied == 0 || !ExpectEveryCallGranted, $"{denied} DynamoDB requests were refused: template.yaml lacks a grant (see the AccessDenied log lines).");
    }
}
