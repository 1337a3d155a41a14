using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using StreamChat.Core.Folding.Internal;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;
using StreamChat.Core.RateLimiting.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary><c>react</c>: one reaction per user per emoji per message; the stream hears the counts, folded.</summary>
internal sealed class ReactActionHandler(ReactionFolding folding) : ReactionActionHandler(folding, present: true)
{
    public override string Action => ProtocolNames.ReactAction;
}

/// <summary><c>unreact</c>: takes a reaction back; the stream hears the counts, folded.</summary>
internal sealed class UnreactActionHandler(ReactionFolding folding) : ReactionActionHandler(folding, present: false)
{
    public override string Action => ProtocolNames.UnreactAction;
}

/// <summary>What <c>react</c> and <c>unreact</c> share: validation, the limit, the store and the fold.</summary>
internal abstract class ReactionActionHandler(ReactionFolding folding, bool present) : IChatActionHandler
{
    public abstract string Action { get; }

    public ValueTask HandleAsync(ChatActionContext context) => folding.SetAsync(context, present);
}

/// <summary>
/// Stores reactions and folds them per stream into one <c>reactions</c> frame (counts per message) at most every
/// <see cref="ReactionOptions.FoldInterval"/>, across every process serving the stream.
/// </summary>
internal sealed class ReactionFolding
{
    private const string Channel = "reactions";

    private readonly IReactionStore _reactions;
    private readonly StreamFolder _folder;
    private readonly ChatDelivery _delivery;
    private readonly ChatRateLimits _limits;
    private readonly StreamChatOptions _options;
    private readonly FrozenSet<string> _allowed;
    private readonly string _allowedList;

    public ReactionFolding(IReactionStore reactions, StreamFolder folder, ChatDelivery delivery, ChatRateLimits limits, IOptions<StreamChatOptions> options)
    {
        _reactions = reactions;
        _folder = folder;
        _delivery = delivery;
        _limits = limits;
        _options = options.Value;
        _allowed = _options.Reactions.AllowedEmoji.ToFrozenSet(StringComparer.Ordinal);
        _allowedList = string.Join(" ", _options.Reactions.AllowedEmoji);
    }

    public async ValueTask SetAsync(ChatActionContext context, bool present)
    {
        var (_, sender, frame, cancellationToken) = context;
        var connection = sender!;
        var messageId = ChatText.Required(frame.MessageId, frame, FrameFields.MessageId, "messageId");
        var emoji = ChatText.Required(frame.Emoji, frame, FrameFields.Emoji, "emoji");
        if (!_allowed.Contains(emoji))
        {
            throw new ChatException(ChatErrorCode.InvalidReaction, "Reactions may be one of: " + _allowedList);
        }

        await _limits.AcquireOrThrowAsync(_options.RateLimits.Reaction, "reaction", connection, "reactions", cancellationToken).ConfigureAwait(false);

        var change = await _reactions.SetReactionAsync(connection.StreamId, messageId, connection.UserId, emoji, present, cancellationToken).ConfigureAwait(false);
        switch (change)
        {
            case ReactionChange.MessageNotFound:
                throw new ChatException(ChatErrorCode.UnknownMessage, "The message reacted to is not in this stream's history.");
            case ReactionChange.Changed:
                _delivery.Metrics.ReactionChanged(present);
                var interval = _options.Reactions.FoldInterval;
                await _folder.NoteAsync(connection.StreamId, Channel, messageId, interval, interval, FlushAsync, cancellationToken).ConfigureAwait(false);
                break;
            default:
                // Already as asked: nothing changed, nothing to tell.
                break;
        }
    }

    private async Task FlushAsync(string streamId, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        var counts = await _reactions.GetReactionsAsync(streamId, messageIds, cancellationToken).ConfigureAwait(false);
        if (counts.Count == 0)
        {
            return;
        }

        var frame = new ReactionsFrame
        {
            Timestamp = _delivery.Now(),
            StreamId = streamId,
            Reactions = counts.Select(static c => new ReactionCountsFrame { MessageId = c.MessageId, Counts = c.Counts }).ToArray(),
        };
        await _delivery.BroadcastAsync(streamId, ChatDelivery.Serialize(frame, ChatJsonContext.Default.ReactionsFrame), null, cancellationToken).ConfigureAwait(false);
    }
}
