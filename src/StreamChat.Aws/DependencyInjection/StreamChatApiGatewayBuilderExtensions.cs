using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamChat.Aws.ApiGateway;
using StreamChat.Aws.ApiGateway.Internal;
using StreamChat.Core;
using StreamChat.Core.Broadcasting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Delivers StreamChat frames through the API Gateway Management API (<c>@connections</c>).</summary>
public static class StreamChatApiGatewayBuilderExtensions
{
    /// <summary>Uses the API Gateway broadcaster; set <see cref="ApiGatewayBroadcasterOptions.Endpoint"/> in configuration or code.</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder AddApiGatewayBroadcaster(this IStreamChatBuilder builder) => AddCore(builder);

    /// <summary>Uses the API Gateway broadcaster.</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configure">Configures <see cref="ApiGatewayBroadcasterOptions"/>.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder AddApiGatewayBroadcaster(this IStreamChatBuilder builder, Action<ApiGatewayBroadcasterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Uses the API Gateway broadcaster with options from configuration (unknown keys are an error).</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configuration">The section holding <see cref="ApiGatewayBroadcasterOptions"/>.</param>
    /// <returns>The same builder.</returns>
    public static IStreamChatBuilder AddApiGatewayBroadcaster(this IStreamChatBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(builder);
        builder.Services.AddOptions<ApiGatewayBroadcasterOptions>().Bind(configuration, static o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static IStreamChatBuilder AddCore(IStreamChatBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(ApiGatewayChatBroadcaster)))
        {
            return builder;
        }

        services.AddOptionsWithValidateOnStart<ApiGatewayBroadcasterOptions, ApiGatewayBroadcasterOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiGatewayBroadcasterOptions>, ApiGatewayBroadcasterOptionsCustomValidator>());
        services.TryAddSingleton<ApiGatewayManagementClient>();
        services.AddSingleton<ApiGatewayChatBroadcaster>();
        services.Replace(ServiceDescriptor.Singleton<IChatBroadcaster>(static sp => sp.GetRequiredService<ApiGatewayChatBroadcaster>()));
        return builder;
    }
}
