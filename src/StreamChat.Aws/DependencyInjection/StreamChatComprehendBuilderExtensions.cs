using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamChat.Aws.Comprehend;
using StreamChat.Aws.Comprehend.Internal;
using StreamChat.Core;
using StreamChat.Core.Moderation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Amazon Comprehend moderation to StreamChat.</summary>
public static class StreamChatComprehendBuilderExtensions
{
    /// <summary>
    /// Adds the Comprehend moderator after the moderators already registered (the local rules), so it is called only
    /// for messages they allowed.
    /// </summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddComprehendModeration(this IStreamChatBuilder builder) => AddCore(builder);

    /// <summary>Adds the Comprehend moderator, configured in code.</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddComprehendModeration(this IStreamChatBuilder builder, Action<ComprehendModerationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the Comprehend moderator, bound to a configuration section (e.g. <c>StreamChatComprehend</c>); unknown keys are an error.</summary>
    /// <param name="builder">The StreamChat builder.</param>
    /// <param name="configuration">The section holding <see cref="ComprehendModerationOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddComprehendModeration(this IStreamChatBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(builder);
        builder.Services.AddOptions<ComprehendModerationOptions>().Bind(configuration, static o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static IStreamChatBuilder AddCore(IStreamChatBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(ComprehendClient)))
        {
            return builder;
        }

        services.AddOptionsWithValidateOnStart<ComprehendModerationOptions, ComprehendModerationOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ComprehendModerationOptions>, ComprehendModerationOptionsCustomValidator>());
        services.AddSingleton<ComprehendClient>();
        services.AddSingleton<IMessageModerator, ComprehendMessageModerator>();
        return builder;
    }
}
