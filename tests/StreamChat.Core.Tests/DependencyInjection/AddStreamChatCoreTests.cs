using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.Pipeline;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.DependencyInjection;

public sealed class AddStreamChatCoreTests
{
    private static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        configure(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public void AddStreamChatCore_Defaults_RegistersInMemoryStoresAndFourLocalModerators()
    {
        using var provider = Build(s => s.AddStreamChatCore().Services.AddSingleton(Substitute.For<IChatBroadcaster>()));

        Assert.Equal("InMemoryConnectionStore", provider.GetRequiredService<IConnectionStore>().GetType().Name);
        Assert.Equal("InMemoryMessageStore", provider.GetRequiredService<IMessageStore>().GetType().Name);
        Assert.Equal(
            ["ProfanityMessageModerator", "SpamMessageModerator", "PiiMessageModerator", "HostilityMessageModerator"],
            provider.GetServices<IMessageModerator>().Select(m => m.GetType().Name));
        Assert.NotNull(provider.GetRequiredService<IChatPipeline>());
    }

    [Fact]
    public void AddStreamChatCore_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddStreamChatCore();
        var count = services.Count;

        services.AddStreamChatCore();

        Assert.Equal(count, services.Count);
    }

    [Fact]
    public void AddStreamChatCore_StoreRegisteredFirst_Wins()
    {
        var store = Substitute.For<IConnectionStore>();
        using var provider = Build(s =>
        {
            s.AddSingleton(store);
            s.AddSingleton(Substitute.For<IChatBroadcaster>());
            s.AddStreamChatCore();
        });

        Assert.Same(store, provider.GetRequiredService<IConnectionStore>());
    }

    [Fact]
    public void IChatPipeline_NoBroadcaster_ThrowsWithAFix()
    {
        using var provider = Build(s => s.AddStreamChatCore());

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IChatPipeline>());
        Assert.Contains("AddStreamChat()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_MatchTheProtocol()
    {
        var options = new StreamChatOptions();

        Assert.Equal(500, options.MaxMessageLength);
        Assert.Equal(32 * 1024, options.MaxFrameBytes);
        Assert.Equal(TimeSpan.FromHours(24), options.MessageTimeToLive);
        Assert.Equal(50, options.DefaultHistoryLimit);
        Assert.Equal(100, options.MaxHistoryLimit);
        Assert.False(options.AllowDevelopmentIdentity);
        Assert.False(options.IncludeExceptionDetails);
        Assert.Equal(ModerationFailureMode.FailOpen, options.Moderation.FailureMode);
        Assert.False(options.Moderation.AuditIncludesText);
    }

    public static TheoryData<string, Action<StreamChatOptions>> InvalidOptions => new()
    {
        { "MaxMessageLength", o => o.MaxMessageLength = 0 },
        { "MaxFrameBytes", o => o.MaxFrameBytes = 10 },
        { "MessageTimeToLive", o => o.MessageTimeToLive = TimeSpan.Zero },
        { "DefaultHistoryLimit", o => o.DefaultHistoryLimit = 500 },
        { "WelcomeMessage", o => o.WelcomeMessage = "" },
        { "MaxRepeatedCharacters", o => o.Moderation.Spam.MaxRepeatedCharacters = 1 },
        { "DuplicateWindow", o => o.Moderation.Spam.DuplicateWindow = TimeSpan.FromHours(2) },
        { "AllowedLinkDomains", o => o.Moderation.Spam.AllowedLinkDomains.Add("https://twitch.tv/") },
        { "DefaultPhoneRegion", o => o.Moderation.Pii.DefaultPhoneRegion = "ZZ" },
        { "DefaultPhoneRegion", o => o.Moderation.Pii.DefaultPhoneRegion = "usa" },
        { "RoleClaimType", o => o.Identity.RoleClaimType = "" },
        { "UserIdClaimType", o => o.Identity.UserIdClaimType = null! },
        { "RateLimits.Stream.Window", o => o.RateLimits.Stream.Window = TimeSpan.FromMilliseconds(100) },
        { "PermitLimit", o => o.RateLimits.Stream.PermitLimit = 0 },
        { "RateLimits.Viewer.Window", o => o.RateLimits.Viewer.Window = TimeSpan.FromDays(2) },
        { "BlockThreshold", o => o.Moderation.Hostility.BlockThreshold = 1.5 },
        { "UnsureThreshold", o => o.Moderation.Hostility.UnsureThreshold = 0.9 },
        { "MessagesToTrust", o => o.Moderation.Trust.MessagesToTrust = -1 },
        { "FlaggedFor", o => o.Moderation.Trust.FlaggedFor = TimeSpan.FromDays(400) },
        { "PhoneRegions", o => o.Moderation.Pii.PhoneRegions.Add("XX") },
        { "BlockedWords", o => o.Moderation.Profanity.BlockedWords.Add("get re-kt") },
        { "BlockedWords", o => o.Moderation.Profanity.BlockedWords.Add("one two three four five") },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Options_Invalid_ThrowOptionsValidationExceptionNamingTheField(string field, Action<StreamChatOptions> configure)
    {
        using var provider = Build(s => s.AddStreamChatCore(configure));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StreamChatOptions>>().Value);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16_000, 1_048_576)]
    public void Options_AtTheLimits_AreValid(int maxLength, int maxFrame)
    {
        using var provider = Build(s => s.AddStreamChatCore(o =>
        {
            o.MaxMessageLength = maxLength;
            o.MaxFrameBytes = Math.Max(maxFrame, 1024);
        }));

        Assert.Equal(maxLength, provider.GetRequiredService<IOptions<StreamChatOptions>>().Value.MaxMessageLength);
    }

    [Fact]
    public void AddStreamChatCore_FromConfiguration_BindsNestedValues()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamChat:MaxMessageLength"] = "200",
            ["StreamChat:MessageTimeToLive"] = "01:00:00",
            ["StreamChat:Moderation:Profanity:BlockedWords:0"] = "noob",
            ["StreamChat:Moderation:Pii:Emails"] = "Redact",
            ["StreamChat:Moderation:FailureMode"] = "FailClosed",
        }).Build();
        using var provider = Build(s => s.AddStreamChatCore(configuration.GetSection("StreamChat")));

        var options = provider.GetRequiredService<IOptions<StreamChatOptions>>().Value;

        Assert.Equal(200, options.MaxMessageLength);
        Assert.Equal(TimeSpan.FromHours(1), options.MessageTimeToLive);
        Assert.Equal(["noob"], options.Moderation.Profanity.BlockedWords);
        Assert.Equal(PiiAction.Redact, options.Moderation.Pii.Emails);
        Assert.Equal(ModerationFailureMode.FailClosed, options.Moderation.FailureMode);
    }

    [Fact]
    public void AddStreamChatCore_FromConfigurationWithUnknownKey_Throws()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamChat:MaxMesageLength"] = "200",
        }).Build();
        using var provider = Build(s => s.AddStreamChatCore(configuration.GetSection("StreamChat")));

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<StreamChatOptions>>().Value);
        Assert.Contains("MaxMesageLength", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_BlockedAndDelivered_AreRecordedOnTheStreamChatMeter()
    {
        var broadcaster = Substitute.For<IChatBroadcaster>();
        broadcaster.SendToStreamAsync(default!, default, default, default).ReturnsForAnyArgs(new BroadcastResult(4));
        broadcaster.SendToConnectionAsync(default!, default, default).ReturnsForAnyArgs(new BroadcastResult(1));
        using var provider = Build(s => s.AddStreamChatCore().Services.AddSingleton(broadcaster));
        var meterFactory = provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var pipeline = provider.GetRequiredService<IChatPipeline>();
        using var blocked = new MetricCollector<long>(meterFactory, "StreamChat", "streamchat.messages.blocked");
        using var delivered = new MetricCollector<long>(meterFactory, "StreamChat", "streamchat.messages.delivered");
        using var open = new MetricCollector<long>(meterFactory, "StreamChat", "streamchat.connections.open");
        using var errors = new MetricCollector<long>(meterFactory, "StreamChat", "streamchat.errors");

        await pipeline.ConnectAsync(new ConnectRequest("c1", "s", "u", "U")).DefaultTimeout();
        await pipeline.MessageAsync("c1", Encoding.UTF8.GetBytes("""{"action":"message","message":"mail me at a.b@example.com"}""")).DefaultTimeout();
        await pipeline.MessageAsync("c1", Encoding.UTF8.GetBytes("""{"action":"message","message":"hello"}""")).DefaultTimeout();
        await pipeline.MessageAsync("c1", Encoding.UTF8.GetBytes("""{"action":"nope"}""")).DefaultTimeout();

        var blockedMeasurement = Assert.Single(blocked.GetMeasurementSnapshot());
        Assert.Equal("pii", blockedMeasurement.Tags["reason"]);
        Assert.Equal(4, Assert.Single(delivered.GetMeasurementSnapshot()).Value);
        Assert.Equal(1, open.LastMeasurement!.Value);
        Assert.Equal("unknown_action", Assert.Single(errors.GetMeasurementSnapshot()).Tags["code"]);
    }
}
