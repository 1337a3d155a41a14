using Microsoft.Extensions.Logging;
using StreamChat.Core.Connections;
using StreamChat.Core.Internal;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>
/// Writes to the audit sink for every step that decides something (moderation, sanctions, limits, commands); a failing
/// sink is logged and never stops the chat.
/// </summary>
internal sealed partial class AuditTrail
{
    private readonly IModerationAuditSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public AuditTrail(IModerationAuditSink sink, TimeProvider timeProvider, ILogger<AuditTrail> logger)
    {
        _sink = sink;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public DateTimeOffset Now() => _timeProvider.GetUtcNow();

    /// <summary>A message blocked by a sanction or limit (no moderator saw it).</summary>
    public ValueTask BlockedAsync(ChatConnection sender, string messageId, BlockReason reason, string rule, CancellationToken cancellationToken) =>
        WriteAsync(new ModerationAuditEntry(Now(), sender.StreamId, sender.UserId, sender.ConnectionId, messageId, ModerationAction.Blocked, reason, rule, null), cancellationToken);

    /// <summary>A moderator's command: who (the sender), whom, what (<c>command.NAME</c>) and its arguments.</summary>
    public ValueTask CommandAsync(ChatConnection moderator, string commandId, string command, string? targetUserId, string arguments, CancellationToken cancellationToken) =>
        WriteAsync(new ModerationAuditEntry(Now(), moderator.StreamId, moderator.UserId, moderator.ConnectionId, commandId, ModerationAction.Command, null, "command." + command, arguments, targetUserId), cancellationToken);

    public async ValueTask WriteAsync(ModerationAuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _sink.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsFailure(cancellationToken))
        {
            Log.AuditFailed(_logger, entry.MessageId, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Writing the audit entry for {MessageId} failed.", EventName = "AuditFailed")]
        public static partial void AuditFailed(ILogger logger, string messageId, Exception exception);
    }
}
