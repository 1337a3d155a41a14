using System.Diagnostics.Metrics;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Diagnostics;

/// <summary>The <c>StreamChat</c> meter's instruments.</summary>
internal sealed class StreamChatMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly UpDownCounter<long> _connectionsOpen;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _messagesDelivered;
    private readonly Counter<long> _messagesBlocked;
    private readonly Counter<long> _messagesRedacted;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _broadcastDuration;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _sanctions;
    private readonly Counter<long> _presenceFolded;
    private readonly Counter<long> _reactions;
    private readonly Counter<long> _whispers;
    private readonly Counter<long> _recoveries;

    public StreamChatMetrics(IMeterFactory? meterFactory = null)
    {
        // Without DI metrics (e.g. a bare Lambda service collection) the meter is still published.
        // A factory's meter is shared by name (the AWS clients use it too) and disposed by the factory.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(StreamChatMeter.Name) ?? new Meter(StreamChatMeter.Name);
        _connectionsOpen = _meter.CreateUpDownCounter<long>("streamchat.connections.open", "{connection}", "Connections currently open.");
        _messagesReceived = _meter.CreateCounter<long>("streamchat.messages.received", "{message}", "Chat messages received from clients.");
        _messagesDelivered = _meter.CreateCounter<long>("streamchat.messages.delivered", "{delivery}", "Chat message frames handed to recipients (one per recipient).");
        _messagesBlocked = _meter.CreateCounter<long>("streamchat.messages.blocked", "{message}", "Chat messages blocked, by reason.");
        _messagesRedacted = _meter.CreateCounter<long>("streamchat.messages.redacted", "{message}", "Chat messages delivered with parts masked, by reason.");
        _errors = _meter.CreateCounter<long>("streamchat.errors", "{error}", "Error frames sent to clients, by code.");
        _broadcastDuration = _meter.CreateHistogram<double>("streamchat.broadcast.duration", "s", "Time to hand one frame to every connection of a stream.");
        _commands = _meter.CreateCounter<long>("streamchat.commands", "{command}", "Moderator commands carried out, by command.");
        _presenceFolded = _meter.CreateCounter<long>("streamchat.presence.folded", "{event}", "Joins and leaves of big streams folded into viewer_count frames instead of being broadcast.");
        _reactions = _meter.CreateCounter<long>("streamchat.reactions", "{reaction}", "Reactions added or taken back, by change (added, removed).");
        _whispers = _meter.CreateCounter<long>("streamchat.whispers", "{whisper}", "Private messages delivered.");
        _recoveries = _meter.CreateCounter<long>("streamchat.recoveries", "{recovery}", "Reconnecting clients answered, by outcome (recovered, reload).");
        _sanctions = _meter.CreateCounter<long>("streamchat.sanctions.applied", "{sanction}", "Bans, time-outs and shadow bans put on users, by kind.");
    }

    /// <summary>Gets the meter, for instruments owned elsewhere (the in-memory sanction store's gauge).</summary>
    public Meter Meter => _meter;

    public void CommandExecuted(string command) => _commands.Add(1, new KeyValuePair<string, object?>("command", command));

    public void SanctionApplied(StreamChat.Core.Sanctions.SanctionKind kind) => _sanctions.Add(1, new KeyValuePair<string, object?>("kind", kind switch
    {
        StreamChat.Core.Sanctions.SanctionKind.Ban => "ban",
        StreamChat.Core.Sanctions.SanctionKind.Timeout => "timeout",
        StreamChat.Core.Sanctions.SanctionKind.ShadowBan => "shadow_ban",
        _ => "moderator",
    }));

    public void PresenceFolded() => _presenceFolded.Add(1);

    public void ReactionChanged(bool added) => _reactions.Add(1, new KeyValuePair<string, object?>("change", added ? "added" : "removed"));

    public void WhisperDelivered() => _whispers.Add(1);

    public void Recovery(bool recovered) => _recoveries.Add(1, new KeyValuePair<string, object?>("outcome", recovered ? "recovered" : "reload"));

    public void ConnectionOpened() => _connectionsOpen.Add(1);

    public void ConnectionClosed() => _connectionsOpen.Add(-1);

    public void MessageReceived() => _messagesReceived.Add(1);

    public void MessageDelivered(int recipients) => _messagesDelivered.Add(recipients);

    public void MessageBlocked(BlockReason reason) => _messagesBlocked.Add(1, new KeyValuePair<string, object?>("reason", reason.ToWireName()));

    public void MessageRedacted(BlockReason reason) => _messagesRedacted.Add(1, new KeyValuePair<string, object?>("reason", reason.ToWireName()));

    public void Error(ChatErrorCode code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code.ToWireName()));

    public void BroadcastCompleted(TimeSpan elapsed) => _broadcastDuration.Record(elapsed.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
