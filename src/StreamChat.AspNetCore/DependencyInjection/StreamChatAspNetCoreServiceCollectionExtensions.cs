using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using StreamChat.AspNetCore;
using StreamChat.AspNetCore.Connections;
using StreamChat.AspNetCore.Internal;
using StreamChat.Core;
using StreamChat.Core.Broadcasting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers StreamChat for an ASP.NET Core host: the core pipeline plus the WebSocket transport.</summary>
public static class StreamChatAspNetCoreServiceCollectionExtensions
{
    /// <summary>Adds StreamChat with default options. Safe to call more than once.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder for further StreamChat configuration.</returns>
    public static IStreamChatBuilder AddStreamChat(this IServiceCollection services)
    {
        AddWebSocketHost(services);
        return services.AddStreamChatCore();
    }

    /// <summary>Adds StreamChat and configures its options. Safe to call more than once.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="StreamChatOptions"/>.</param>
    /// <returns>A builder for further StreamChat configuration.</returns>
    public static IStreamChatBuilder AddStreamChat(this IServiceCollection services, Action<StreamChatOptions> configure)
    {
        AddWebSocketHost(services);
        return services.AddStreamChatCore(configure);
    }

    /// <summary>Adds StreamChat and binds its options to a configuration section (unknown keys are an error).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <see cref="StreamChatOptions"/>, e.g. <c>StreamChat</c>.</param>
    /// <returns>A builder for further StreamChat configuration.</returns>
    public static IStreamChatBuilder AddStreamChat(this IServiceCollection services, IConfiguration configuration)
    {
        AddWebSocketHost(services);
        return services.AddStreamChatCore(configuration);
    }

    /// <summary>Configures the WebSocket host's options.</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configure">Configures <see cref="StreamChatWebSocketOptions"/>.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder ConfigureWebSockets(this IStreamChatBuilder builder, Action<StreamChatWebSocketOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Binds the WebSocket host's options to a configuration section (unknown keys are an error).</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configuration">The section holding <see cref="StreamChatWebSocketOptions"/>.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder ConfigureWebSockets(this IStreamChatBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<StreamChatWebSocketOptions>().Bind(configuration, static o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static void AddWebSocketHost(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Options validation registrations are not all TryAdd-based; register everything once.
        if (services.Any(static d => d.ServiceType == typeof(StreamChatMarkerService)))
        {
            return;
        }

        services.AddSingleton<StreamChatMarkerService>();
        services.AddOptionsWithValidateOnStart<StreamChatWebSocketOptions, StreamChatWebSocketOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StreamChatWebSocketOptions>, StreamChatWebSocketOptionsCustomValidator>());
        services.TryAddSingleton<LocalConnectionRegistry>();
        services.TryAddSingleton<LocalConnectionShutdown>();
        services.TryAddSingleton<LocalChatBroadcaster>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, QueryToken>());

        // Registered before the core so an app's own broadcaster (or a scale-out one) registered earlier wins.
        services.TryAddSingleton<IChatBroadcaster>(static sp => sp.GetRequiredService<LocalChatBroadcaster>());
        services.TryAddSingleton<WebSocketChatHandler>();
    }
}
