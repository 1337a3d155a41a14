using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core.Moderation;

/// <summary>What a personal-data rule does with what it finds.</summary>
public enum PiiAction
{
    /// <summary>Block the message (the sender gets <c>message_blocked</c> with reason <c>pii</c>).</summary>
    Block,

    /// <summary>Deliver the message with the personal data masked, and tell the sender (<c>message_redacted</c>).</summary>
    Redact,

    /// <summary>Do nothing: this kind of data is allowed.</summary>
    Allow,
}

/// <summary>Options of the personal-data rules, one action per kind of data.</summary>
public sealed class PiiOptions
{
    /// <summary>Gets or sets a value indicating whether the personal-data rules run at all.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets what to do with e-mail addresses.</summary>
    /// <value>The default value is <see cref="PiiAction.Block"/>.</value>
    public PiiAction Emails { get; set; } = PiiAction.Block;

    /// <summary>Gets or sets what to do with phone numbers (found and validated by libphonenumber).</summary>
    /// <value>The default value is <see cref="PiiAction.Block"/>.</value>
    public PiiAction PhoneNumbers { get; set; } = PiiAction.Block;

    /// <summary>Gets or sets what to do with payment card numbers (length, issuer prefix and Luhn checked).</summary>
    /// <value>The default value is <see cref="PiiAction.Block"/>.</value>
    public PiiAction PaymentCards { get; set; } = PiiAction.Block;

    /// <summary>Gets or sets what to do with US social security numbers (invalid ranges excluded).</summary>
    /// <value>The default value is <see cref="PiiAction.Block"/>.</value>
    public PiiAction SocialSecurityNumbers { get; set; } = PiiAction.Block;

    /// <summary>Gets or sets what to do with IBANs (country length and mod-97 checked).</summary>
    /// <value>The default value is <see cref="PiiAction.Block"/>.</value>
    public PiiAction Ibans { get; set; } = PiiAction.Block;

    /// <summary>Gets or sets what to do with IPv4 addresses.</summary>
    /// <value>The default value is <see cref="PiiAction.Block"/>.</value>
    public PiiAction IpAddresses { get; set; } = PiiAction.Block;

    /// <summary>
    /// Gets or sets what happens to postal addresses: a house number with a street name and type ("742 Evergreen
    /// Terrace", "12 rue de la Paix", "Hauptstraße 5"), a PO box, or a postcode written the way the US (state and ZIP),
    /// the UK, Canada and Australia (state and postcode) write them. A city alone ("I live in London") is not an address.
    /// </summary>
    /// <value>The default value is <see cref="PiiAction.Block"/>.</value>
    public PiiAction PostalAddresses { get; set; } = PiiAction.Block;

    /// <summary>
    /// Gets the regions whose national formats (no <c>+</c> and country code) are also checked, after
    /// <see cref="DefaultPhoneRegion"/>: a number counts when libphonenumber calls it valid in one of them.
    /// </summary>
    /// <value>The default is the twelve regions with the most viewers after the default: GB, CA, AU, IN, DE, FR, ES, IT, BR, MX, JP, KR.</value>
    public IList<string> PhoneRegions { get; } = ["GB", "CA", "AU", "IN", "DE", "FR", "ES", "IT", "BR", "MX", "JP", "KR"];

    /// <summary>Gets or sets the region (ISO 3166 two-letter code) used to read phone numbers written without a country code.</summary>
    /// <value>The default value is <c>US</c>. Numbers written with <c>+</c> and a country code are found whatever the region.</value>
    [Required]
    [RegularExpression("^[A-Z]{2}\\z")]
    public string DefaultPhoneRegion { get; set; } = ModerationConstants.DefaultPhoneRegion;
}
