using Microsoft.Extensions.Options;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>Blocks whole words on the profanity list (built-in English list plus configured words).</summary>
internal sealed class ProfanityMessageModerator : IMessageModerator
{
    internal static readonly string[] DefaultWords =
    [
        "fuck", "fucking", "fucker", "fucked", "motherfucker", "shit", "shitty", "bullshit", "bitch", "bitches",
        "asshole", "bastard", "cunt", "dick", "dickhead", "prick", "twat", "wanker", "slut", "whore", "cock",
        "pussy", "douchebag", "retard", "faggot", "fag", "nigger", "nigga", "kike", "spic", "chink",
    ];

    private readonly HashSet<string> _words;
    private readonly bool _enabled;

    public ProfanityMessageModerator(IOptions<StreamChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var moderation = options.Value.Moderation;
        _enabled = moderation.ProfanityEnabled;
        _words = new HashSet<string>(DefaultWords, StringComparer.OrdinalIgnoreCase);
        _words.UnionWith(moderation.BlockedWords.Where(static w => !string.IsNullOrWhiteSpace(w)).Select(static w => w.Trim()));
        _words.ExceptWith(moderation.AllowedWords);
    }

    /// <inheritdoc />
    public ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_enabled)
        {
            return ValueTask.FromResult(ModerationResult.Allowed);
        }

#if NET9_0_OR_GREATER
        var lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
#endif
        var text = context.Text.AsSpan();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWordChar = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWordChar)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                var word = text[start..i];
#if NET9_0_OR_GREATER
                var hit = lookup.Contains(word);
#else
                var hit = _words.Contains(word.ToString());
#endif
                if (hit)
                {
                    return ValueTask.FromResult(ModerationResult.Block(BlockReason.Profanity, "profanity.word", ModerationConstants.ProfanityExplanation));
                }

                start = -1;
            }
        }

        return ValueTask.FromResult(ModerationResult.Allowed);
    }
}
