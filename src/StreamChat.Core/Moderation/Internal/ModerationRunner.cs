using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core.Diagnostics.Internal;
using StreamChat.Core.Internal;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Moderation as one step: the moderators in registration order (cheapest first), the first block wins, a redaction
/// replaces the text later moderators see and the stream gets, a throwing moderator is handled by
/// <see cref="ModerationOptions.FailureMode"/>, and the final decision goes to the audit sink.
/// </summary>
internal sealed partial class ModerationRunner
{
    private const string UnavailableRule = "moderation.unavailable";

    private readonly IMessageModerator[] _moderators;
    private readonly AuditTrail _audit;
    private readonly ModerationOptions _options;
    private readonly ILogger _logger;
    private readonly IUserTrust _trust;

    public ModerationRunner(IEnumerable<IMessageModerator> moderators, AuditTrail audit, IOptions<StreamChatOptions> options, ILogger<ModerationRunner> logger, IUserTrust trust)
    {
        _trust = trust;
        _moderators = moderators.ToArray();
        _audit = audit;
        _options = options.Value.Moderation;
        _logger = logger;
    }

    /// <summary>Moderates <paramref name="context"/>; returns the decision and the text to deliver if it is not a block.</summary>
    public async ValueTask<(ModerationResult Verdict, string Text)> RunAsync(ModerationContext context, CancellationToken cancellationToken)
    {
        using var activity = ChatTracing.Start(ChatTracing.Moderation, context.ConnectionId);
        var original = context.Text;
        var verdict = ModerationResult.Allowed;
        var redaction = ModerationResult.Allowed;
        foreach (var moderator in _moderators)
        {
            ModerationResult result;
            try
            {
                result = await moderator.ModerateAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex.IsFailure(cancellationToken))
            {
                // A broken moderator is handled by the failure mode, never by dropping the connection.
                Log.ModeratorFailed(_logger, moderator.GetType().Name, context.MessageId, _options.FailureMode.ToString(), ex);
                if (_options.FailureMode == ModerationFailureMode.FailOpen)
                {
                    continue;
                }

                result = ModerationResult.Block(BlockReason.ModerationUnavailable, UnavailableRule, ModerationConstants.UnavailableExplanation);
            }

            if (result.IsBlocked)
            {
                verdict = result;
                break;
            }

            if (result.IsRedacted)
            {
                redaction = result;
                context = context with { Text = result.RedactedText! };
            }
        }

        if (!verdict.IsBlocked)
        {
            verdict = redaction;
        }

        // An outage says nothing about the sender; every other decision feeds their trust level.
        if (verdict.Rule != UnavailableRule)
        {
            try
            {
                await _trust.RecordAsync(context.StreamId, context.UserId, verdict, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex.IsFailure(cancellationToken))
            {
                // A trust store that fails costs paid-moderator calls later, never the message.
                Log.TrustRecordFailed(_logger, context.MessageId, ex);
            }
        }

        await AuditAsync(context, verdict, original, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("streamchat.moderation.outcome", verdict.IsBlocked ? "blocked" : verdict.IsRedacted ? "redacted" : "allowed");
        activity?.SetTag("streamchat.moderation.rule", verdict.Rule);
        return (verdict, context.Text);
    }

    private ValueTask AuditAsync(ModerationContext context, ModerationResult verdict, string original, CancellationToken cancellationToken)
    {
        var entry = new ModerationAuditEntry(
            _audit.Now(),
            context.StreamId,
            context.UserId,
            context.ConnectionId,
            context.MessageId,
            verdict.Action,
            verdict.Reason,
            context.RecipientUserId is null ? verdict.Rule : verdict.Rule ?? "whisper",
            _options.AuditIncludesText && context.RecipientUserId is null ? original : null,
            context.RecipientUserId);
        return _audit.WriteAsync(entry, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Moderator {Moderator} failed on message {MessageId}; applying failure mode {FailureMode}.", EventName = "ModeratorFailed")]
        public static partial void ModeratorFailed(ILogger logger, string moderator, string messageId, string failureMode, Exception exception);

        [LoggerMessage(2, LogLevel.Warning, "Recording the moderation decision on message {MessageId} in the user trust store failed.", EventName = "TrustRecordFailed")]
        public static partial void TrustRecordFailed(ILogger logger, string messageId, Exception exception);
    }
}
