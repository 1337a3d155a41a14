using Microsoft.Extensions.Options;

namespace StreamChat.Aws.ApiGateway.Internal;

[OptionsValidator]
internal sealed partial class ApiGatewayBroadcasterOptionsValidator : IValidateOptions<ApiGatewayBroadcasterOptions>;

internal sealed class ApiGatewayBroadcasterOptionsCustomValidator : IValidateOptions<ApiGatewayBroadcasterOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiGatewayBroadcasterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback)))
        {
            builder.AddError($"Endpoint '{endpoint}' must be an absolute https URL such as https://abc123.execute-api.eu-west-2.amazonaws.com/prod.", nameof(options.Endpoint));
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(1))
        {
            builder.AddError("RequestTimeout must be more than zero and at most one minute.", nameof(options.RequestTimeout));
        }

        return builder.Build();
    }
}
