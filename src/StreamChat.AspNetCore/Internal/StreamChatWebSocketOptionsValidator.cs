using Microsoft.Extensions.Options;

namespace StreamChat.AspNetCore.Internal;

[OptionsValidator]
internal sealed partial class StreamChatWebSocketOptionsValidator : IValidateOptions<StreamChatWebSocketOptions>;

internal sealed class StreamChatWebSocketOptionsCustomValidator : IValidateOptions<StreamChatWebSocketOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamChatWebSocketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.KeepAliveInterval < TimeSpan.Zero)
        {
            builder.AddError("KeepAliveInterval must not be negative; use TimeSpan.Zero to turn keep-alive off.", nameof(options.KeepAliveInterval));
        }

        if (options.CloseTimeout <= TimeSpan.Zero || options.CloseTimeout > TimeSpan.FromMinutes(5))
        {
            builder.AddError("CloseTimeout must be more than zero and at most 5 minutes.", nameof(options.CloseTimeout));
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.PathAndQuery.Length > 1)
            {
                builder.AddError($"AllowedOrigins holds '{origin}'; give origins such as https://watch.example.com (scheme, host and port, no path).", nameof(options.AllowedOrigins));
            }
        }

        return builder.Build();
    }
}
