using Microsoft.Extensions.Options;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>Blocks known spam and scam phrases and floods of one repeated character.</summary>
internal sealed class SpamMessageModerator : IMessageModerator
{
    internal static readonly string[] DefaultPhrases =
    [
        "buy followers", "cheap followers", "free followers", "buy viewers", "free viewers", "free v-bucks", "free vbucks",
        "free robux", "click here", "check out my channel", "subscribe to my channel", "follow for follow", "f4f", "sub4sub",
        "make money fast", "earn money from home", "work from home and earn", "double your bitcoin", "crypto giveaway",
        "limited time offer", "dm me for promo", "promote your stream", "get viewers now",
    ];

    private readonly string[] _phrases;
    private readonly int _maxRepeated;
    private readonly bool _enabled;

    public SpamMessageModerator(IOptions<StreamChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var moderation = options.Value.Moderation;
        _enabled = moderation.SpamEnabled;
        _maxRepeated = moderation.MaxRepeatedCharacters;
        _phrases = DefaultPhrases
            .Concat(moderation.SpamPhrases.Where(static p => !string.IsNullOrWhiteSpace(p)).Select(static p => p.Trim()))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }

    /// <inheritdoc />
    public ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_enabled)
        {
            return ValueTask.FromResult(ModerationResult.Allowed);
        }

        var text = context.Text;
        foreach (var phrase in _phrases)
        {
            if (text.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                return ValueTask.FromResult(ModerationResult.Block(BlockReason.Spam, "spam.phrase", ModerationConstants.SpamExplanation));
            }
        }

        var run = 1;
        for (var i = 1; i < text.Length; i++)
        {
            run = text[i] == text[i - 1] && !char.IsWhiteSpace(text[i]) ? run + 1 : 1;
            if (run > _maxRepeated)
            {
                return ValueTask.FromResult(ModerationResult.Block(BlockReason.Spam, "spam.repeated_characters", ModerationConstants.SpamExplanation));
            }
        }

        return ValueTask.FromResult(ModerationResult.Allowed);
    }
}
