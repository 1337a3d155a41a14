using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamChat.Aws.DynamoDb;
using StreamChat.Aws.DynamoDb.Internal;
using StreamChat.Core;
using StreamChat.Core.Connections;
using StreamChat.Core.Folding;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.RateLimiting;
using StreamChat.Core.Sanctions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts StreamChat's connections, messages, sanctions, rate-limit counters, users' trust and (with <see cref="AddDynamoDbAuditTrail"/>) moderation audit trail in DynamoDB.</summary>
public static class StreamChatDynamoDbBuilderExtensions
{
    /// <summary>Uses DynamoDB for connections, messages, sanctions, rate-limit counters and users' trust (in the rate-limits table), with default table names.</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder AddDynamoDbStores(this IStreamChatBuilder builder) => AddDynamoDbStoresCore(builder);

    /// <summary>Uses DynamoDB for connections and messages.</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configure">Configures <see cref="DynamoDbStoreOptions"/>.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder AddDynamoDbStores(this IStreamChatBuilder builder, Action<DynamoDbStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddDynamoDbStoresCore(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Uses DynamoDB for connections and messages, with options from configuration (unknown keys are an error).</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configuration">The section holding <see cref="DynamoDbStoreOptions"/>.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder AddDynamoDbStores(this IStreamChatBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddDynamoDbStoresCore(builder);
        builder.Services.AddOptions<DynamoDbStoreOptions>().Bind(configuration, static o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    /// <summary>
    /// Writes every moderation decision to the DynamoDB audit table (instead of the log) and registers
    /// <see cref="IModerationAuditReader"/> to read it back per stream and time range.
    /// </summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder AddDynamoDbAuditTrail(this IStreamChatBuilder builder)
    {
        AddDynamoDbClient(builder);
        builder.Services.TryAddSingleton<DynamoDbModerationAuditSink>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IModerationAuditSink>(static sp => sp.GetRequiredService<DynamoDbModerationAuditSink>()));
        builder.Services.TryAddSingleton<IModerationAuditReader>(static sp => sp.GetRequiredService<DynamoDbModerationAuditSink>());
        return builder;
    }

    private static IStreamChatBuilder AddDynamoDbStoresCore(IStreamChatBuilder builder)
    {
        AddDynamoDbClient(builder);
        var services = builder.Services;
        services.TryAddSingleton<DynamoDbConnectionStore>();
        services.TryAddSingleton<DynamoDbMessageStore>();
        services.TryAddSingleton<DynamoDbSanctionStore>();
        services.TryAddSingleton<DynamoDbRateLimitCounter>();
        services.TryAddSingleton<DynamoDbUserTrust>();
        services.TryAddSingleton<DynamoDbFoldStore>();
        services.TryAddSingleton<DynamoDbFrameSequencer>();

        // Single-slot providers replace the in-memory defaults, whichever order the calls came in.
        services.Replace(ServiceDescriptor.Singleton<IConnectionStore>(static sp => sp.GetRequiredService<DynamoDbConnectionStore>()));
        services.Replace(ServiceDescriptor.Singleton<IMessageStore>(static sp => sp.GetRequiredService<DynamoDbMessageStore>()));
        services.Replace(ServiceDescriptor.Singleton<IReactionStore>(static sp => sp.GetRequiredService<DynamoDbMessageStore>()));
        services.Replace(ServiceDescriptor.Singleton<IFoldStore>(static sp => sp.GetRequiredService<DynamoDbFoldStore>()));
        services.Replace(ServiceDescriptor.Singleton<IFrameSequencer>(static sp => sp.GetRequiredService<DynamoDbFrameSequencer>()));
        services.Replace(ServiceDescriptor.Singleton<ISanctionStore>(static sp => sp.GetRequiredService<DynamoDbSanctionStore>()));
        services.Replace(ServiceDescriptor.Singleton<IRateLimitCounter>(static sp => sp.GetRequiredService<DynamoDbRateLimitCounter>()));
        services.Replace(ServiceDescriptor.Singleton<IUserTrust>(static sp => sp.GetRequiredService<DynamoDbUserTrust>()));

        // A health check the host maps where it wants (MapHealthChecks); registered once however often this is called.
        if (!services.Any(static d => d.ServiceType == typeof(DynamoDbHealthCheck)))
        {
            services.AddSingleton<DynamoDbHealthCheck>();
            services.AddHealthChecks().AddCheck<DynamoDbHealthCheck>(DynamoDbConstants.HealthCheckName, tags: ["streamchat", "ready"], timeout: TimeSpan.FromSeconds(5));
        }

        return builder;
    }

    private static void AddDynamoDbClient(IStreamChatBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(DynamoDbRequestRunner)))
        {
            return;
        }

        services.AddOptionsWithValidateOnStart<DynamoDbStoreOptions, DynamoDbStoreOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbStoreOptions>, DynamoDbStoreOptionsCustomValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The app's own IAmazonDynamoDB (DynamoDB Local, LocalStack, a tuned client) wins; otherwise the
        // options' factory, otherwise a client from the default credential and region chain.
        services.AddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
            var client = sp.GetService<IAmazonDynamoDB>() ?? options.ClientFactory?.Invoke(sp) ?? CreateDefaultClient();
            return ActivatorUtilities.CreateInstance<DynamoDbRequestRunner>(sp, client);
        });
        services.TryAddSingleton<IDynamoDbTableProvisioner, DynamoDbTableProvisioner>();
    }

    /// <summary>The SDK's standard retry mode (exponential backoff with jitter, throttling aware) and short time-outs.</summary>
    private static AmazonDynamoDBClient CreateDefaultClient() => new(new AmazonDynamoDBConfig
    {
        RetryMode = RequestRetryMode.Standard,
        MaxErrorRetry = 4,
        Timeout = TimeSpan.FromSeconds(10),
    });
}
