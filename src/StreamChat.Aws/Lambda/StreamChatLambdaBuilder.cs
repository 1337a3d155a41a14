using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Aws.Lambda.Internal;

namespace StreamChat.Aws.Lambda;

/// <summary>
/// What a Lambda host configures before <see cref="StreamChatLambdaHandler"/> builds its service provider:
/// configuration (environment variables over an optional <c>appsettings.json</c>), services and logging.
/// </summary>
public sealed class StreamChatLambdaBuilder
{
    internal StreamChatLambdaBuilder(string? contentRoot)
    {
        Configuration = new ConfigurationManager();
        Configuration
            .AddJsonFile(new Microsoft.Extensions.FileProviders.PhysicalFileProvider(contentRoot ?? AppContext.BaseDirectory), "appsettings.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables();
        Services = new ServiceCollection();
        Services.AddSingleton<IConfiguration>(Configuration);
        Services.AddLogging(logging =>
        {
            logging.AddConfiguration(Configuration.GetSection("Logging"));
            // One JSON object per line: CloudWatch Logs Insights reads the fields without parsing rules.
            logging.AddJsonConsole(o => o.IncludeScopes = false);
        });
        Services.AddOptions<StreamChatLambdaOptions>()
            .Bind(Configuration.GetSection("StreamChatLambda"), static o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        Services.AddSingleton<IValidateOptions<StreamChatLambdaOptions>, StreamChatLambdaOptionsValidator>();
    }

    /// <summary>Gets the configuration: environment variables (<c>StreamChat__WelcomeMessage</c>) over <c>appsettings.json</c>.</summary>
    public ConfigurationManager Configuration { get; }

    /// <summary>Gets the services; add StreamChat with <c>AddStreamChatCore()</c> and the AWS stores and broadcaster here.</summary>
    public IServiceCollection Services { get; }
}
