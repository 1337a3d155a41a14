using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Actions.Internal;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Commands.Internal;
using StreamChat.Core.Connections;
using StreamChat.Core.Connections.Internal;
using StreamChat.Core.Diagnostics;
using StreamChat.Core.Identity;
using StreamChat.Core.Identity.Internal;
using StreamChat.Core.Internal;
using StreamChat.Core.Folding;
using StreamChat.Core.Folding.Internal;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.RateLimiting;
using StreamChat.Core.RateLimiting.Internal;
using StreamChat.Core.Sanctions;
using StreamChat.Core.Sanctions.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the StreamChat core: the chat pipeline with in-memory stores and local moderation.</summary>
public static class StreamChatServiceCollectionExtensions
{
    /// <summary>Adds the StreamChat core with default options. Safe to call more than once.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder for further StreamChat configuration.</returns>
    public static IStreamChatBuilder AddStreamChatCore(this IServiceCollection services) =>
        AddStreamChatCoreCore(services);

    /// <summary>Adds the StreamChat core and configures its options. Safe to call more than once.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="StreamChatOptions"/>.</param>
    /// <returns>A builder for further StreamChat configuration.</returns>
    public static IStreamChatBuilder AddStreamChatCore(this IServiceCollection services, Action<StreamChatOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddStreamChatCoreCore(services);
        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds the StreamChat core and binds its options to a configuration section. Unknown keys in the
    /// section are an error, so a misspelt setting fails at start-up instead of being ignored.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="StreamChatOptions"/>, e.g. <c>StreamChat</c>.</param>
    /// <returns>A builder for further StreamChat configuration.</returns>
    public static IStreamChatBuilder AddStreamChatCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddStreamChatCoreCore(services);
        services.AddOptions<StreamChatOptions>().Bind(configuration, static o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static StreamChatBuilder AddStreamChatCoreCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new StreamChatBuilder(services);

        // Options validation registrations are not all TryAdd-based; register everything once.
        if (services.Any(static d => d.ServiceType == typeof(StreamChatCoreMarkerService)))
        {
            return builder;
        }

        services.AddSingleton<StreamChatCoreMarkerService>();
        services.AddOptionsWithValidateOnStart<StreamChatOptions, StreamChatOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamChatOptions>, StreamChatOptionsCustomValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamChatMetrics>();
        services.TryAddSingleton<MessageIdGenerator>();

        services.TryAddSingleton<IConnectionStore, InMemoryConnectionStore>();
        services.TryAddSingleton<IFrameSequencer, ImmediateFrameSequencer>();
        services.TryAddSingleton<InMemoryMessageStore>();
        services.TryAddSingleton<IMessageStore>(static sp => sp.GetRequiredService<InMemoryMessageStore>());
        services.TryAddSingleton<IReactionStore>(static sp => sp.GetRequiredService<InMemoryMessageStore>());
        services.TryAddSingleton<IFoldStore, InMemoryFoldStore>();
        services.TryAddSingleton<ChatDeferredWork>();
        services.TryAddSingleton<StreamFolder>();
        services.TryAddSingleton<ReactionFolding>();
        services.TryAddSingleton<IModerationAuditSink, LoggingModerationAuditSink>();
        services.TryAddSingleton<ISanctionStore, InMemorySanctionStore>();
        services.TryAddSingleton<IRateLimitCounter, InMemoryRateLimitCounter>();

        // Cheapest first: word lookup, then phrase scan, then the number and e-mail rules.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageModerator, ProfanityMessageModerator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageModerator, SpamMessageModerator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageModerator, PiiMessageModerator>());
        services.TryAddSingleton<IHostilityScorer, LexiconHostilityScorer>();
        services.TryAddSingleton<IUserTrust, InMemoryUserTrust>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMessageModerator, HostilityMessageModerator>());

        services.TryAddSingleton<IChatIdentityResolver, ChatIdentityResolver>();
        // Authorize: bans and time-outs. Limit: handshake rate per address (before the connection-store reads), then per-user and
        // per-stream connections; for messages, slow mode and the message rate.
        services.TryAddSingleton<ChatRateLimits>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatPolicy, SanctionPolicy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatPolicy, DisplayNamePolicy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatPolicy, RateLimitPolicy>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatPolicy, ConnectionLimitPolicy>());

        // One handler per command; the unknown-command error lists them in this order.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, BanCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, UnbanCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, TimeoutCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, UntimeoutCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, DeleteCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, ClearCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, SlowCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, ShadowBanCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, UnshadowBanCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, ModCommand>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatCommand, UnmodCommand>());
        services.TryAddSingleton(static sp => ActivatorUtilities.CreateInstance<ModeratorActions>(sp, RequiredBroadcaster(sp)));
        services.TryAddSingleton<ChatCommandDispatcher>();
        services.TryAddSingleton<AuditTrail>();

        // One handler per action; the unknown-action error lists them in this order.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatActionHandler, MessageActionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatActionHandler, HelloActionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatActionHandler, PingActionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatActionHandler, HistoryActionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatActionHandler, ReactActionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatActionHandler, UnreactActionHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChatActionHandler, WhisperActionHandler>());

        services.TryAddSingleton<ModerationRunner>();
        services.TryAddSingleton<MessagePublisher>();
        services.TryAddSingleton<ChatPolicyChain>();
        services.TryAddSingleton(static sp => ActivatorUtilities.CreateInstance<ChatDelivery>(sp, RequiredBroadcaster(sp)));
        services.TryAddSingleton<ChatPipeline>();
        services.TryAddSingleton<IChatPipeline, TracingChatPipeline>();

        return builder;
    }

    private static IChatBroadcaster RequiredBroadcaster(IServiceProvider services) => services.GetService<IChatBroadcaster>() ?? throw new InvalidOperationException(
        "No IChatBroadcaster is registered. Call AddStreamChat() from StreamChat.AspNetCore, add the API Gateway broadcaster from StreamChat.Aws, or register your own IChatBroadcaster.");
}
