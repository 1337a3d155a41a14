using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Moderation;
using StreamChat.Moderation.Onnx;
using StreamChat.Moderation.Onnx.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Local hostility detection with sentence embeddings, for either host (ASP.NET Core or Lambda).</summary>
public static class StreamChatOnnxBuilderExtensions
{
    private const string InnerKey = "StreamChat.Moderation.Onnx.Inner";

    /// <summary>
    /// Scores hostility with the word patterns and an embedding model together: the higher of the two scores counts,
    /// so the default hostility moderator blocks what either finds hostile (at <c>Hostility:BlockThreshold</c>) and the
    /// Comprehend call plan asks about what either is unsure of. The model (all-MiniLM-L6-v2 on ONNX Runtime) is loaded
    /// on the first message and costs about 2 ms of one core per message; nothing is downloaded.
    /// </summary>
    /// <param name="builder">The builder from <c>AddStreamChat()</c> or <c>AddStreamChatCore()</c>.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddSentenceEmbeddingHostility(this IStreamChatBuilder builder) => AddCore(builder, null);

    /// <summary>As <see cref="AddSentenceEmbeddingHostility(IStreamChatBuilder)"/>, with options.</summary>
    /// <param name="builder">The builder from <c>AddStreamChat()</c> or <c>AddStreamChatCore()</c>.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddSentenceEmbeddingHostility(this IStreamChatBuilder builder, Action<EmbeddingHostilityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(builder, configure);
    }

    /// <summary>
    /// As <see cref="AddSentenceEmbeddingHostility(IStreamChatBuilder)"/>, with options bound from a configuration
    /// section (e.g. <c>StreamChatEmbedding</c>); unknown keys are errors.
    /// </summary>
    /// <param name="builder">The builder from <c>AddStreamChat()</c> or <c>AddStreamChatCore()</c>.</param>
    /// <param name="configuration">The section holding <see cref="EmbeddingHostilityOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IStreamChatBuilder AddSentenceEmbeddingHostility(this IStreamChatBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(builder, null);
        builder.Services.AddOptions<EmbeddingHostilityOptions>().Bind(configuration, static o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static IStreamChatBuilder AddCore(IStreamChatBuilder builder, Action<EmbeddingHostilityOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptionsWithValidateOnStart<EmbeddingHostilityOptions, EmbeddingHostilityOptionsValidator>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddingHostilityOptions>, EmbeddingHostilityOptionsOrderValidator>());
        if (services.Any(static d => d.ServiceType == typeof(IHostilityScorer) && d.ServiceKey is string key && key == InnerKey))
        {
            return builder; // already wrapped
        }

        // The scorer registered so far (the word patterns, or the application's own) is kept under a key and wrapped.
        var inner = services.LastOrDefault(static d => d.ServiceType == typeof(IHostilityScorer) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("No IHostilityScorer is registered: call AddStreamChat() or AddStreamChatCore() before AddSentenceEmbeddingHostility().");
        services.Remove(inner);
        services.Add(AsKeyed(inner));
        services.TryAddSingleton<ISentenceEmbedder, MiniLmSentenceEmbedder>();
        services.TryAddSingleton(static _ => HostilityClassifier.Load());
        services.AddSingleton<IHostilityScorer>(static sp => new EmbeddingHostilityScorer(
            sp.GetRequiredKeyedService<IHostilityScorer>(InnerKey),
            sp.GetRequiredService<ISentenceEmbedder>(),
            sp.GetRequiredService<HostilityClassifier>(),
            sp.GetRequiredService<IOptionsMonitor<EmbeddingHostilityOptions>>(),
            sp.GetRequiredService<IOptions<StreamChatOptions>>().Value.Moderation.Hostility,
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        return builder;
    }

    private static ServiceDescriptor AsKeyed(ServiceDescriptor descriptor)
    {
        if (descriptor.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(typeof(IHostilityScorer), InnerKey, instance);
        }

        if (descriptor.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(typeof(IHostilityScorer), InnerKey, (sp, _) => factory(sp), descriptor.Lifetime);
        }

        return new ServiceDescriptor(typeof(IHostilityScorer), InnerKey, descriptor.ImplementationType!, descriptor.Lifetime);
    }
}
