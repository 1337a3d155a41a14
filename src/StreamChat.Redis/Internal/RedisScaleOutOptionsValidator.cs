using Microsoft.Extensions.Options;

namespace StreamChat.Redis.Internal;

[OptionsValidator]
internal sealed partial class RedisScaleOutOptionsValidator : IValidateOptions<RedisScaleOutOptions>;

internal sealed class RedisScaleOutOptionsCustomValidator(IServiceProvider services) : IValidateOptions<RedisScaleOutOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisScaleOutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.Configuration) && options.ConnectionFactory is null && services.GetService(typeof(StackExchange.Redis.IConnectionMultiplexer)) is null)
        {
            builder.AddError(
                "No Redis to connect to: set ConnectionStrings:Redis (e.g. ConnectionStrings__Redis=127.0.0.1:6379), pass a configuration string to AddStackExchangeRedis, set ConnectionFactory, or register an IConnectionMultiplexer.",
                nameof(options.Configuration));
        }
        else if (!string.IsNullOrWhiteSpace(options.Configuration))
        {
            try
            {
                _ = StackExchange.Redis.ConfigurationOptions.Parse(options.Configuration);
            }
            catch (ArgumentException ex)
            {
                builder.AddError($"The Redis configuration string is not valid: {ex.Message}", nameof(options.Configuration));
            }
        }

        if (options.PresenceTimeout < TimeSpan.FromSeconds(1) || options.PresenceTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError("PresenceTimeout must be between one second and one hour.", nameof(options.PresenceTimeout));
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval * 3 > options.PresenceTimeout)
        {
            builder.AddError("HeartbeatInterval must be positive and at most a third of PresenceTimeout, so one lost beat does not drop a live node from presence.", nameof(options.HeartbeatInterval));
        }

        return builder.Build();
    }
}
