using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Folding;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.RateLimiting;
using StreamChat.Core.Sanctions;
using StreamChat.Redis;
using StreamChat.Redis.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scale-out on Redis for a StreamChat host that holds its own sockets (the ASP.NET Core host).</summary>
public static class StreamChatRedisBuilderExtensions
{
    private const string LocalKey = "StreamChat.Redis.Local";

    /// <summary>
    /// Runs StreamChat on several nodes sharing one Redis: broadcasts reach every node, and connections, presence,
    /// history, sanctions, slow mode, rate limits and trust are shared. Redis is taken from a registered
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/>, else from <c>ConnectionStrings:Redis</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddStreamChat()</c>.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddStackExchangeRedis(this IStreamChatBuilder builder) => AddCore(builder, null);

    /// <summary>As <see cref="AddStackExchangeRedis(IStreamChatBuilder)"/>, connecting with a StackExchange.Redis configuration string.</summary>
    /// <param name="builder">The builder from <c>AddStreamChat()</c>.</param>
    /// <param name="configuration">The configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddStackExchangeRedis(this IStreamChatBuilder builder, string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return AddCore(builder, o => o.Configuration = configuration);
    }

    /// <summary>As <see cref="AddStackExchangeRedis(IStreamChatBuilder)"/>, with options (a connection factory, the key prefix, the presence bound).</summary>
    /// <param name="builder">The builder from <c>AddStreamChat()</c>.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddStackExchangeRedis(this IStreamChatBuilder builder, Action<RedisScaleOutOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder, configure);
    }

    /// <summary>
    /// As <see cref="AddStackExchangeRedis(IStreamChatBuilder)"/>, with options bound from a configuration section
    /// (e.g. <c>StreamChatRedis</c>: <c>KeyPrefix</c>, <c>NodeId</c>, <c>PresenceTimeout</c>); unknown keys are errors.
    /// </summary>
    /// <param name="builder">The builder from <c>AddStreamChat()</c>.</param>
    /// <param name="configuration">The section holding <see cref="RedisScaleOutOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddStackExchangeRedis(this IStreamChatBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(builder, null);
        builder.Services.AddOptions<RedisScaleOutOptions>().Bind(configuration, static o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static IStreamChatBuilder AddCore(IStreamChatBuilder builder, Action<RedisScaleOutOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsWithValidateOnStart<RedisScaleOutOptions, RedisScaleOutOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(RedisConnection)))
        {
            return builder;
        }

        // ConnectionStrings:Redis when nothing else named a Redis.
        options.PostConfigure<IServiceProvider>(static (o, sp) =>
        {
            if (string.IsNullOrWhiteSpace(o.Configuration) && o.ConnectionFactory is null)
            {
                o.Configuration = sp.GetService<IConfiguration>()?.GetConnectionString("Redis");
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisScaleOutOptions>, RedisScaleOutOptionsCustomValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<RedisConnectionStore>();
        services.TryAddSingleton<RedisMessageStore>();
        services.TryAddSingleton<RedisFoldStore>();
        services.TryAddSingleton<RedisSanctionStore>();
        services.TryAddSingleton<RedisUserTrust>();
        if (!services.Any(static d => d.ServiceType == typeof(RedisHealthCheck)))
        {
            services.AddSingleton<RedisHealthCheck>();
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("streamchat-redis", tags: ["streamchat", "ready"], timeout: TimeSpan.FromSeconds(5));
        }

        // The host's own broadcaster delivers to this node's sockets, and the node's own counter counts while Redis
        // is unreachable: both are kept, under a key, and wrapped.
        KeepAsLocal<IChatBroadcaster>(services, "AddStackExchangeRedis() needs a host that holds its sockets: call it on the builder AddStreamChat() from StreamChat.AspNetCore returns.");
        KeepAsLocal<IRateLimitCounter>(services, "AddStackExchangeRedis() needs StreamChat's rate-limit counter: call it on the builder AddStreamChat() returns.");
        services.TryAddSingleton(static sp => new RedisRateLimitCounter(
            sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredKeyedService<IRateLimitCounter>(LocalKey)));
        services.TryAddSingleton(static sp => new RedisChatBroadcaster(
            sp.GetRequiredKeyedService<IChatBroadcaster>(LocalKey),
            sp.GetRequiredService<StreamChat.AspNetCore.Connections.LocalConnectionRegistry>(),
            sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<RedisConnectionStore>(),
            sp.GetRequiredService<ILogger<RedisChatBroadcaster>>()));

        services.Replace(ServiceDescriptor.Singleton<IChatBroadcaster>(static sp => sp.GetRequiredService<RedisChatBroadcaster>()));
        services.Replace(ServiceDescriptor.Singleton<IConnectionStore>(static sp => sp.GetRequiredService<RedisConnectionStore>()));
        services.Replace(ServiceDescriptor.Singleton<IMessageStore>(static sp => sp.GetRequiredService<RedisMessageStore>()));
        services.Replace(ServiceDescriptor.Singleton<IReactionStore>(static sp => sp.GetRequiredService<RedisMessageStore>()));
        services.Replace(ServiceDescriptor.Singleton<IFoldStore>(static sp => sp.GetRequiredService<RedisFoldStore>()));
        services.Replace(ServiceDescriptor.Singleton<ISanctionStore>(static sp => sp.GetRequiredService<RedisSanctionStore>()));
        services.Replace(ServiceDescriptor.Singleton<IRateLimitCounter>(static sp => sp.GetRequiredService<RedisRateLimitCounter>()));
        services.Replace(ServiceDescriptor.Singleton<IUserTrust>(static sp => sp.GetRequiredService<RedisUserTrust>()));
        return builder;
    }

    private static void KeepAsLocal<TService>(IServiceCollection services, string missing)
        where TService : class
    {
        var existing = services.LastOrDefault(static d => d.ServiceType == typeof(TService) && !d.IsKeyedService);
        if (existing is null)
        {
            services.AddKeyedSingleton<TService>(LocalKey, (_, _) => throw new InvalidOperationException(missing));
            return;
        }

        services.Add(existing.ImplementationInstance is { } instance
            ? new ServiceDescriptor(typeof(TService), LocalKey, instance)
            : existing.ImplementationFactory is { } factory
                ? new ServiceDescriptor(typeof(TService), LocalKey, (sp, _) => factory(sp), existing.Lifetime)
                : new ServiceDescriptor(typeof(TService), LocalKey, existing.ImplementationType!, existing.Lifetime));
    }
}
