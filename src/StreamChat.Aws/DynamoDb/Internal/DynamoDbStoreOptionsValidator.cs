using Microsoft.Extensions.Options;

namespace StreamChat.Aws.DynamoDb.Internal;

[OptionsValidator]
internal sealed partial class DynamoDbStoreOptionsValidator : IValidateOptions<DynamoDbStoreOptions>;

internal sealed class DynamoDbStoreOptionsCustomValidator : IValidateOptions<DynamoDbStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, DynamoDbStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.ConnectionTimeToLive < TimeSpan.FromMinutes(1) || options.ConnectionTimeToLive > TimeSpan.FromDays(30))
        {
            builder.AddError("ConnectionTimeToLive must be between one minute and 30 days.", nameof(options.ConnectionTimeToLive));
        }

        if (options.AuditTimeToLive < TimeSpan.FromHours(1) || options.AuditTimeToLive > TimeSpan.FromDays(3650))
        {
            builder.AddError("AuditTimeToLive must be between one hour and ten years.", nameof(options.AuditTimeToLive));
        }

        var tables = new[] { options.ConnectionsTableName, options.MessagesTableName, options.AuditTableName };
        if (tables.Distinct(StringComparer.Ordinal).Count() != tables.Length)
        {
            builder.AddError("ConnectionsTableName, MessagesTableName and AuditTableName must differ: each table has its own keys.", nameof(options.ConnectionsTableName));
        }

        return builder.Build();
    }
}
