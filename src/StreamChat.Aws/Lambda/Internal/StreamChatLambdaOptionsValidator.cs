using Microsoft.Extensions.Options;

namespace StreamChat.Aws.Lambda.Internal;

/// <summary>Checks the Lambda host's options at init, so a bad JWT setting fails the deployment, not a handshake.</summary>
internal sealed class StreamChatLambdaOptionsValidator : IValidateOptions<StreamChatLambdaOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamChatLambdaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        var jwt = options.Jwt;
        if (!jwt.IsEnabled)
        {
            return builder.Build();
        }

        if (jwt.Issuers.Count == 0 || jwt.Audiences.Count == 0)
        {
            builder.AddError("Jwt needs at least one of Issuers and of Audiences (StreamChatLambda__Jwt__Issuers__0, StreamChatLambda__Jwt__Audiences__0), so tokens issued for other services are refused.", "Jwt");
        }

        foreach (var key in jwt.SigningKeys)
        {
            var bytes = new byte[key.Length];
            if (!Convert.TryFromBase64String(key, bytes, out var length) || length < 32)
            {
                builder.AddError("Jwt.SigningKeys must be base64 HS256 secrets of at least 32 bytes (256 bits), such as the output of 'openssl rand -base64 32'.", "Jwt.SigningKeys");
            }
        }

        if (jwt.JwksUri is { } uri && (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)))
        {
            builder.AddError($"Jwt.JwksUri '{uri}' must be an absolute https URL such as https://example.auth0.com/.well-known/jwks.json.", "Jwt.JwksUri");
        }

        if (jwt.JwksMinimumRefreshInterval < TimeSpan.FromSeconds(1) || jwt.JwksMinimumRefreshInterval > jwt.JwksCacheDuration)
        {
            builder.AddError("Jwt.JwksMinimumRefreshInterval must be at least one second and at most Jwt.JwksCacheDuration.", "Jwt.JwksMinimumRefreshInterval");
        }

        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > TimeSpan.FromMinutes(10))
        {
            builder.AddError("Jwt.ClockSkew must be between zero and 10 minutes.", "Jwt.ClockSkew");
        }

        return builder.Build();
    }
}
