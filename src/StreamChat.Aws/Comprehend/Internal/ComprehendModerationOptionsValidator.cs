using Microsoft.Extensions.Options;

namespace StreamChat.Aws.Comprehend.Internal;

[OptionsValidator]
internal sealed partial class ComprehendModerationOptionsValidator : IValidateOptions<ComprehendModerationOptions>;

internal sealed class ComprehendModerationOptionsCustomValidator : IValidateOptions<ComprehendModerationOptions>
{
    private static readonly HashSet<string> PiiTypes = new(StringComparer.Ordinal)
    {
        "BANK_ACCOUNT_NUMBER", "BANK_ROUTING", "CREDIT_DEBIT_NUMBER", "CREDIT_DEBIT_CVV", "CREDIT_DEBIT_EXPIRY", "PIN", "EMAIL", "ADDRESS",
        "NAME", "PHONE", "SSN", "DATE_TIME", "PASSPORT_NUMBER", "DRIVER_ID", "URL", "AGE", "USERNAME", "PASSWORD", "AWS_ACCESS_KEY",
        "AWS_SECRET_KEY", "IP_ADDRESS", "MAC_ADDRESS", "ALL", "LICENSE_PLATE", "VEHICLE_IDENTIFICATION_NUMBER", "UK_NATIONAL_INSURANCE_NUMBER",
        "CA_SOCIAL_INSURANCE_NUMBER", "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER",
        "IN_PERMANENT_ACCOUNT_NUMBER", "IN_NREGA", "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "SWIFT_CODE", "UK_NATIONAL_HEALTH_SERVICE_NUMBER",
        "CA_HEALTH_NUMBER", "IN_AADHAAR", "IN_VOTER_NUMBER",
    };

    private static readonly HashSet<string> ToxicLabels = new(StringComparer.Ordinal)
    {
        "GRAPHIC", "HARASSMENT_OR_ABUSE", "HATE_SPEECH", "INSULT", "PROFANITY", "SEXUAL", "VIOLENCE_OR_THREAT",
    };

    public ValidateOptionsResult Validate(string? name, ComprehendModerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(30))
        {
            builder.AddError("Timeout must be more than zero and at most 30 seconds.", nameof(options.Timeout));
        }

        if (options.CacheDuration < TimeSpan.Zero)
        {
            builder.AddError("CacheDuration must not be negative (zero turns the cache off).", nameof(options.CacheDuration));
        }

        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback)))
        {
            builder.AddError($"Endpoint '{endpoint}' must be an absolute https URL such as https://comprehend.eu-west-2.amazonaws.com/.", nameof(options.Endpoint));
        }

        foreach (var type in options.Pii.EntityTypes.Where(t => !PiiTypes.Contains(t)))
        {
            builder.AddError($"'{type}' is not a Comprehend PII entity type; use names such as EMAIL, PHONE or CREDIT_DEBIT_NUMBER.", "Pii.EntityTypes");
        }

        foreach (var label in options.Toxicity.Labels.Where(l => !ToxicLabels.Contains(l)))
        {
            builder.AddError($"'{label}' is not a Comprehend toxicity label; use {string.Join(", ", ToxicLabels)}.", "Toxicity.Labels");
        }

        if (options.Toxicity.Enabled && !string.Equals(options.LanguageCode, "en", StringComparison.Ordinal))
        {
            builder.AddError("Toxicity detection supports English (en) only: switch Toxicity.Enabled off for other languages.", "Toxicity.Enabled");
        }

        if (options.Pii.Enabled && options.LanguageCode is not ("en" or "es"))
        {
            builder.AddError("Personal-data detection supports en and es only: switch Pii.Enabled off for other languages.", "Pii.Enabled");
        }

        return builder.Build();
    }
}
