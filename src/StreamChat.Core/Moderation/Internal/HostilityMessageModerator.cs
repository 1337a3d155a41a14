using Microsoft.Extensions.Options;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Blocks hostile messages (reason <c>toxicity</c>) whose <see cref="IHostilityScorer"/> score reaches
/// <see cref="HostilityOptions.BlockThreshold"/>; messages it is unsure about pass, for a remote moderator to judge.
/// </summary>
internal sealed class HostilityMessageModerator : IMessageModerator
{
    private readonly IHostilityScorer _scorer;
    private readonly HostilityOptions _options;

    public HostilityMessageModerator(IHostilityScorer scorer, IOptions<StreamChatOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scorer = scorer;
        _options = options.Value.Moderation.Hostility;
    }

    /// <inheritdoc />
    public ValueTask<ModerationResult> ModerateAsync(ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_options.Enabled)
        {
            return ValueTask.FromResult(ModerationResult.Allowed);
        }

        var score = _scorer.Score(context.Text);
        return ValueTask.FromResult(score.Value >= _options.BlockThreshold && score.Rule is not null
            ? ModerationResult.Block(BlockReason.Toxicity, score.Rule, ModerationConstants.HostilityExplanation)
            : ModerationResult.Allowed);
    }
}
