using System.ComponentModel.DataAnnotations;
using Amazon.Runtime;
using Microsoft.Extensions.Options;
using StreamChat.Core.Moderation;

namespace StreamChat.Aws.Comprehend;

/// <summary>
/// Options of the Amazon Comprehend moderator (configuration section <c>StreamChatComprehend</c>). It runs after the
/// local rules, only for messages they allowed. On errors and time-outs it follows
/// <see cref="ModerationOptions.FailureMode"/> (<c>StreamChat:Moderation:FailureMode</c>).
/// </summary>
public sealed class ComprehendModerationOptions
{
    /// <summary>Gets or sets the region of the Comprehend endpoint, e.g. <c>eu-west-2</c>.</summary>
    /// <value>The default is <see langword="null"/>: the region from the environment (<c>AWS_REGION</c>, the profile).</value>
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-\\d\\z")]
    public string? Region { get; set; }

    /// <summary>Gets or sets the endpoint, for a VPC or FIPS endpoint.</summary>
    /// <value>The default is <see langword="null"/>: <c>https://comprehend.{region}.amazonaws.com/</c>.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the language of the chat (Comprehend's <c>LanguageCode</c>). Toxicity detection supports <c>en</c> only.</summary>
    /// <value>The default is <c>en</c>.</value>
    [Required]
    [RegularExpression("^(en|es|fr|de|it|pt|ar|hi|ja|ko|zh|zh-TW)\\z")]
    public string LanguageCode { get; set; } = "en";

    /// <summary>Gets or sets how long one message's checks may take, retries included; past it the failure mode applies.</summary>
    /// <value>The default is 1.5 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Gets or sets how many times a throttled (429, <c>ThrottlingException</c>) or failed (5xx) call is retried.</summary>
    /// <value>The default is 2.</value>
    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Gets or sets how long a verdict is reused for the same text (chat repeats itself); zero turns the cache off.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the most verdicts the cache holds.</summary>
    /// <value>The default is 10,000.</value>
    [Range(1, 10_000_000)]
    public int CacheSize { get; set; } = 10_000;

    /// <summary>Gets or sets a factory for the credentials; the default is AWSSDK.Core's default credential chain.</summary>
    public Func<IServiceProvider, AWSCredentials>? CredentialsFactory { get; set; }

    /// <summary>
    /// Gets or sets which of the messages the local rules allowed Comprehend is asked about. Comprehend's per-call minimum
    /// is most of the AWS host's running cost, so by default it sees only what the local rules cannot settle.
    /// </summary>
    /// <value>The default is <see cref="ComprehendCallPolicy.UnsureOrUntrusted"/>.</value>
    public ComprehendCallPolicy CallFor { get; set; } = ComprehendCallPolicy.UnsureOrUntrusted;

    /// <summary>
    /// Gets or sets the local hostility score (<see cref="IHostilityScorer"/>, 0 to 1) from which a message of a sender
    /// who is not trusted (new in the stream, or flagged) gets the toxicity call under
    /// <see cref="ComprehendCallPolicy.UnsureOrUntrusted"/>. Text at or above <see cref="HostilityOptions.UnsureThreshold"/>
    /// is asked about whoever sends it.
    /// </summary>
    /// <value>
    /// The default is 0: every message of such a sender. The default scorer (patterns) gives most hostile text without a
    /// hostile word a score of 0, so only 0 keeps those messages asked about. A scorer that reads whole sentences
    /// (StreamChat.Moderation.Onnx) scores such text above 0, and a low bar such as 0.1 leaves out the clearly clean
    /// messages of flagged senders ("gg", "lol"), which are most of their calls; docs/aws.md measures it.
    /// </value>
    [Range(0.0, 1.0)]
    public double UntrustedFrom { get; set; }

    /// <summary>Gets the sentiment rule (the original deployment's: NEGATIVE above 0.8 is blocked). Off by default.</summary>
    [ValidateObjectMembers]
    public ComprehendSentimentOptions Sentiment { get; } = new();

    /// <summary>Gets the personal-data rule (<c>DetectPiiEntities</c>).</summary>
    [ValidateObjectMembers]
    public ComprehendPiiOptions Pii { get; } = new();

    /// <summary>Gets the toxicity rule (<c>DetectToxicContent</c>).</summary>
    [ValidateObjectMembers]
    public ComprehendToxicityOptions Toxicity { get; } = new();
}

/// <summary>Which messages the Comprehend moderator sends to Comprehend.</summary>
public enum ComprehendCallPolicy
{
    /// <summary>
    /// Only what the local rules cannot settle: the toxicity (and sentiment) call for senders who are not trusted in the
    /// stream (<see cref="IUserTrust"/>: new, or flagged recently; from <see cref="ComprehendModerationOptions.UntrustedFrom"/>) and for text the local hostility score is unsure about
    /// (<see cref="HostilityOptions.UnsureThreshold"/>); the personal-data call for text that may hold personal data the
    /// local rules did not find (five digits or more, an <c>@</c>, a spelled "at ... dot").
    /// </summary>
    UnsureOrUntrusted = 0,

    /// <summary>Every message the local rules allowed, with every enabled call: the original deployment's behaviour, and its cost.</summary>
    EveryMessage = 1,
}

/// <summary>The sentiment rule: <c>DetectSentiment</c>.</summary>
/// <remarks>
/// Off by default: it blocks ordinary negative chat ("this ref is terrible", "worst patch ever"), which live chat is full
/// of, and hostility is caught by the toxicity call and the local hostility rule instead.
/// </remarks>
public sealed class ComprehendSentimentOptions
{
    /// <summary>Gets or sets a value indicating whether the rule runs.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the NEGATIVE confidence above which a message whose overall sentiment is NEGATIVE is blocked.</summary>
    /// <value>The default is 0.8.</value>
    [Range(0.0, 1.0)]
    public double NegativeThreshold { get; set; } = 0.8;
}

/// <summary>The personal-data rule: <c>DetectPiiEntities</c>.</summary>
public sealed class ComprehendPiiOptions
{
    /// <summary>Gets or sets a value indicating whether the rule runs.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets the entity types that count (Comprehend's <c>PiiEntityType</c> names). Names, dates, ages, URLs and user
    /// names are left out by default: chat mentions them all the time.
    /// </summary>
    public IList<string> EntityTypes { get; } =
    [
        "EMAIL", "PHONE", "SSN", "CREDIT_DEBIT_NUMBER", "CREDIT_DEBIT_CVV", "CREDIT_DEBIT_EXPIRY", "BANK_ACCOUNT_NUMBER",
        "BANK_ROUTING", "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "PIN", "PASSWORD", "ADDRESS", "PASSPORT_NUMBER", "DRIVER_ID",
        "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "UK_NATIONAL_INSURANCE_NUMBER", "CA_SOCIAL_INSURANCE_NUMBER",
        "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "IN_AADHAAR", "IN_PERMANENT_ACCOUNT_NUMBER",
    ];

    /// <summary>Gets or sets the score from which an entity counts.</summary>
    /// <value>The default is 0.8.</value>
    [Range(0.0, 1.0)]
    public double MinScore { get; set; } = 0.8;

    /// <summary>Gets or sets what happens to a message with personal data: blocked, or delivered with the entities masked.</summary>
    /// <value>The default is <see cref="PiiAction.Block"/>.</value>
    public PiiAction Action { get; set; } = PiiAction.Block;
}

/// <summary>The toxicity rule: <c>DetectToxicContent</c> (English only).</summary>
public sealed class ComprehendToxicityOptions
{
    /// <summary>Gets or sets a value indicating whether the rule runs.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets the labels that block (Comprehend's <c>ToxicContentType</c>: GRAPHIC, HARASSMENT_OR_ABUSE, HATE_SPEECH, INSULT,
    /// PROFANITY, SEXUAL, VIOLENCE_OR_THREAT). PROFANITY is left to the local word list by default.
    /// </summary>
    public IList<string> Labels { get; } = ["GRAPHIC", "HARASSMENT_OR_ABUSE", "HATE_SPEECH", "INSULT", "SEXUAL", "VIOLENCE_OR_THREAT"];

    /// <summary>Gets or sets the label score from which a message is blocked.</summary>
    /// <value>The default is 0.7.</value>
    [Range(0.0, 1.0)]
    public double Threshold { get; set; } = 0.7;
}
