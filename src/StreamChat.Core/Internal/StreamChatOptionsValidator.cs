using Microsoft.Extensions.Options;
using PhoneNumbers;
using StreamChat.Core.Moderation.Internal;

namespace StreamChat.Core.Internal;

[OptionsValidator]
internal sealed partial class StreamChatOptionsValidator : IValidateOptions<StreamChatOptions>;

/// <summary>Rules that span several fields or need a lookup.</summary>
internal sealed class StreamChatOptionsCustomValidator : IValidateOptions<StreamChatOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.DefaultHistoryLimit > options.MaxHistoryLimit)
        {
            builder.AddError($"DefaultHistoryLimit ({options.DefaultHistoryLimit}) must not exceed MaxHistoryLimit ({options.MaxHistoryLimit}).", nameof(options.DefaultHistoryLimit));
        }

        if (options.MaxFrameOrderWait < TimeSpan.Zero || options.MaxFrameOrderWait > TimeSpan.FromSeconds(30))
        {
            builder.AddError($"MaxFrameOrderWait ({options.MaxFrameOrderWait}) must be between 00:00:00 and 00:00:30.", nameof(options.MaxFrameOrderWait));
        }

        if (options.MessageTimeToLive < TimeSpan.FromSeconds(1) || options.MessageTimeToLive > TimeSpan.FromDays(365))
        {
            builder.AddError($"MessageTimeToLive ({options.MessageTimeToLive}) must be between 00:00:01 and 365.00:00:00.", nameof(options.MessageTimeToLive));
        }

        var window = options.Moderation.Spam.DuplicateWindow;
        if (window < TimeSpan.FromSeconds(1) || window > TimeSpan.FromHours(1))
        {
            builder.AddError($"Moderation.Spam.DuplicateWindow ({window}) must be between 00:00:01 and 01:00:00.", "Moderation.Spam.DuplicateWindow");
        }

        foreach (var domain in options.Moderation.Spam.AllowedLinkDomains)
        {
            if (string.IsNullOrWhiteSpace(domain) || domain.Contains('/', StringComparison.Ordinal) || domain.Contains(':', StringComparison.Ordinal))
            {
                builder.AddError($"Moderation.Spam.AllowedLinkDomains holds '{domain}'; give bare domains such as twitch.tv.", "Moderation.Spam.AllowedLinkDomains");
            }
        }

        foreach (var (ruleName, rule) in new[]
        {
            ("Viewer", options.RateLimits.Viewer),
            ("Moderator", options.RateLimits.Moderator),
            ("History", options.RateLimits.History),
            ("Stream", options.RateLimits.Stream),
            ("Handshake", options.RateLimits.Handshake),
            ("Reaction", options.RateLimits.Reaction),
            ("WhisperBurst", options.RateLimits.WhisperBurst),
            ("WhisperSustained", options.RateLimits.WhisperSustained),
        })
        {
            if (rule.Window < TimeSpan.FromSeconds(1) || rule.Window > TimeSpan.FromDays(1))
            {
                builder.AddError($"RateLimits.{ruleName}.Window ({rule.Window}) must be between 00:00:01 and 1.00:00:00.", $"RateLimits.{ruleName}.Window");
            }
        }

        var region = options.Moderation.Pii.DefaultPhoneRegion;
        if (region is not null && !PhoneNumberUtil.GetInstance().GetSupportedRegions().Contains(region))
        {
            builder.AddError($"'{region}' is not a region libphonenumber knows; use an ISO 3166 two-letter code such as US or GB.", "Moderation.Pii.DefaultPhoneRegion");
        }

        var supported = PhoneNumberUtil.GetInstance().GetSupportedRegions();
        foreach (var other in options.Moderation.Pii.PhoneRegions)
        {
            if (!supported.Contains(other))
            {
                builder.AddError($"'{other}' is not a region libphonenumber knows; use ISO 3166 two-letter codes such as GB or DE.", "Moderation.Pii.PhoneRegions");
            }
        }

        foreach (var phrase in options.Moderation.Profanity.BlockedWords.Where(static w => w is not null && PhraseList.IsPhrase(w)))
        {
            if (PhraseList.Problem(phrase) is { } problem)
            {
                builder.AddError("Moderation.Profanity.BlockedWords: " + problem, "Moderation.Profanity.BlockedWords");
            }
        }

        var flaggedFor = options.Moderation.Trust.FlaggedFor;
        if (flaggedFor < TimeSpan.Zero || flaggedFor > TimeSpan.FromDays(365))
        {
            builder.AddError($"Moderation.Trust.FlaggedFor ({flaggedFor}) must be between 00:00:00 and 365.00:00:00.", "Moderation.Trust.FlaggedFor");
        }

        var hostility = options.Moderation.Hostility;
        if (hostility.UnsureThreshold > hostility.BlockThreshold)
        {
            builder.AddError($"Moderation.Hostility.UnsureThreshold ({hostility.UnsureThreshold}) must not exceed BlockThreshold ({hostility.BlockThreshold}).", "Moderation.Hostility.UnsureThreshold");
        }

        ValidateExperience(options, builder);
        return builder.Build();
    }

    private static void ValidateExperience(StreamChatOptions options, ValidateOptionsResultBuilder builder)
    {
        var fold = options.Reactions.FoldInterval;
        if (fold < TimeSpan.FromMilliseconds(10) || fold > TimeSpan.FromSeconds(10))
        {
            builder.AddError($"Reactions.FoldInterval ({fold}) must be between 00:00:00.010 and 00:00:10.", "Reactions.FoldInterval");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var emoji in options.Reactions.AllowedEmoji)
        {
            if (string.IsNullOrWhiteSpace(emoji) || emoji.Length > 32 || emoji.Contains('\n', StringComparison.Ordinal))
            {
                builder.AddError($"Reactions.AllowedEmoji holds '{emoji}'; give emoji (or short names) of 1 to 32 characters.", "Reactions.AllowedEmoji");
            }
            else if (!seen.Add(emoji))
            {
                builder.AddError($"Reactions.AllowedEmoji holds '{emoji}' twice.", "Reactions.AllowedEmoji");
            }
        }

        if (seen.Count == 0)
        {
            builder.AddError("Reactions.AllowedEmoji must hold at least one emoji.", "Reactions.AllowedEmoji");
        }

        var count = options.Presence.ViewerCountInterval;
        if (count < TimeSpan.FromMilliseconds(100) || count > TimeSpan.FromMinutes(5))
        {
            builder.AddError($"Presence.ViewerCountInterval ({count}) must be between 00:00:00.100 and 00:05:00.", "Presence.ViewerCountInterval");
        }
    }
}
