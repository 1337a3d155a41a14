using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Diagnostics;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Pipeline.Internal;

/// <summary>
/// The one place that knows the order of the steps: validate, authorize, limit, moderate, store, broadcast.
/// </summary>
internal sealed partial class ChatPipeline : IChatPipeline
{
    private static readonly ChatJsonContext Json = ChatJsonContext.Default;

    private readonly IConnectionStore _connections;
    private readonly IMessageStore _messages;
    private readonly IMessageModerator[] _moderators;
    private readonly IModerationAuditSink _audit;
    private readonly IChatBroadcaster _broadcaster;
    private readonly StreamChatOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly StreamChatMetrics _metrics;
    private readonly MessageIdGenerator _ids;
    private readonly ILogger _logger;

    public ChatPipeline(
        IConnectionStore connections,
        IMessageStore messages,
        IEnumerable<IMessageModerator> moderators,
        IModerationAuditSink audit,
        IChatBroadcaster broadcaster,
        IOptions<StreamChatOptions> options,
        TimeProvider timeProvider,
        StreamChatMetrics metrics,
        MessageIdGenerator ids,
        ILogger<ChatPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _connections = connections;
        _messages = messages;
        _moderators = moderators.ToArray();
        _audit = audit;
        _broadcaster = broadcaster;
        _options = options.Value;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _ids = ids;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<ConnectResult> ConnectAsync(ConnectRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ConnectionId);

        var refusal = IdentityRules.Check(request);
        if (refusal is not null)
        {
            Log.ConnectionRefused(_logger, request.ConnectionId, 400, refusal);
            return ConnectResult.Refuse(400, refusal);
        }

        var connection = new ChatConnection(request.ConnectionId, request.StreamId!, request.UserId!, request.Username!, _timeProvider.GetUtcNow());
        bool added;
        try
        {
            if (_options.MaxConnectionsPerStream is { } limit
                && await _connections.CountAsync(connection.StreamId, cancellationToken).ConfigureAwait(false) >= limit)
            {
                Log.ConnectionRefused(_logger, request.ConnectionId, 429, "stream connection limit reached");
                return ConnectResult.Refuse(429, "This stream's chat is full. Try again later.");
            }

            added = await _connections.AddAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A store failure refuses the handshake cleanly; nothing was stored.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionStoreFailed(_logger, request.ConnectionId, ex);
            return ConnectResult.Refuse(503, "The chat is temporarily unavailable. Try again shortly.");
        }

        if (!added)
        {
            Log.ConnectionRefused(_logger, request.ConnectionId, 409, "duplicate connection id");
            return ConnectResult.Refuse(409, "A connection with this id is already open.");
        }

        _metrics.ConnectionOpened();
        Log.ConnectionOpened(_logger, connection.ConnectionId, connection.StreamId, connection.UserId);

        var joined = Serialize(
            new UserJoinedFrame { Timestamp = Now(), StreamId = connection.StreamId, UserId = connection.UserId, Username = connection.Username },
            Json.UserJoinedFrame);
        await BroadcastSafelyAsync(connection.StreamId, joined, connection.ConnectionId, cancellationToken).ConfigureAwait(false);
        return ConnectResult.Accept(connection);
    }

    /// <inheritdoc />
    public async ValueTask WelcomeAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var connection = await _connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            Log.UnknownConnection(_logger, connectionId);
            return;
        }

        await SendWelcomeAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask MessageAsync(string connectionId, ReadOnlyMemory<byte> utf8Frame, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        try
        {
            await HandleFrameAsync(connectionId, utf8Frame, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ChatException ex)
        {
            await SendErrorAsync(connectionId, ex.Code, ex.Message, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure becomes internal_error for the sender; the connection stays usable.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FrameFailed(_logger, connectionId, ex);
            var text = _options.IncludeExceptionDetails
                ? $"An unexpected error occurred: {ex.GetType().Name}: {ex.Message}"
                : "An unexpected error occurred. Try again.";
            await SendErrorAsync(connectionId, ChatErrorCode.InternalError, text, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisconnectAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        await RemoveAndAnnounceAsync([connectionId], cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask HandleFrameAsync(string connectionId, ReadOnlyMemory<byte> utf8Frame, CancellationToken cancellationToken)
    {
        if (utf8Frame.Length > _options.MaxFrameBytes)
        {
            await SendErrorAsync(connectionId, ChatErrorCode.FrameTooLarge, $"Frames may be at most {_options.MaxFrameBytes} bytes.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!ClientFrameParser.TryParse(utf8Frame.Span, out var frame))
        {
            await SendErrorAsync(connectionId, ChatErrorCode.InvalidJson, "Frames must be a UTF-8 JSON object.", cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (frame.Action)
        {
            case null:
                await SendErrorAsync(connectionId, ChatErrorCode.MissingField, "Every frame needs an \"action\" string.", cancellationToken).ConfigureAwait(false);
                return;
            case ProtocolNames.PingAction:
                await SendAsync(connectionId, Serialize(new PongFrame { Timestamp = Now() }, Json.PongFrame), cancellationToken).ConfigureAwait(false);
                return;
            case ProtocolNames.HelloAction:
            case ProtocolNames.MessageAction:
            case ProtocolNames.HistoryAction:
                break;
            default:
                await SendErrorAsync(connectionId, ChatErrorCode.UnknownAction, "Unknown action. Known actions: message, hello, ping, history.", cancellationToken).ConfigureAwait(false);
                return;
        }

        var connection = await _connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            Log.UnknownConnection(_logger, connectionId);
            await SendErrorAsync(connectionId, ChatErrorCode.InternalError, "This connection is no longer registered. Reconnect to continue.", cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (frame.Action)
        {
            case ProtocolNames.HelloAction:
                await SendWelcomeAsync(connection, cancellationToken).ConfigureAwait(false);
                break;
            case ProtocolNames.HistoryAction:
                await SendHistoryAsync(connection, frame, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await HandleChatMessageAsync(connection, frame, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask HandleChatMessageAsync(ChatConnection connection, ClientFrame frame, CancellationToken cancellationToken)
    {
        _metrics.MessageReceived();
        if (frame.Message is null)
        {
            var text = frame.MessageHasWrongType ? "The \"message\" field must be a string." : "The \"message\" field is required.";
            await SendErrorAsync(connection.ConnectionId, ChatErrorCode.MissingField, text, cancellationToken).ConfigureAwait(false);
            return;
        }

        var message = frame.Message.Trim();
        if (message.Length == 0)
        {
            await SendErrorAsync(connection.ConnectionId, ChatErrorCode.EmptyMessage, "The message is empty.", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (CountCharacters(message) > _options.MaxMessageLength)
        {
            await SendErrorAsync(connection.ConnectionId, ChatErrorCode.MessageTooLong, $"Messages may be at most {_options.MaxMessageLength} characters.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var messageId = _ids.Next();
        var (verdict, deliveredText) = await ModerateAsync(new ModerationContext(message, connection.StreamId, connection.UserId, connection.ConnectionId, messageId), cancellationToken).ConfigureAwait(false);
        if (verdict.IsBlocked)
        {
            var reason = verdict.Reason!.Value;
            _metrics.MessageBlocked(reason);
            Log.MessageBlocked(_logger, connection.ConnectionId, messageId, reason.ToWireName());
            var blocked = Serialize(
                new MessageBlockedFrame { Timestamp = Now(), Reason = reason.ToWireName(), Message = verdict.Explanation! },
                Json.MessageBlockedFrame);
            await SendAsync(connection.ConnectionId, blocked, cancellationToken).ConfigureAwait(false);
            return;
        }

        var chatMessage = new ChatMessage(messageId, connection.StreamId, connection.UserId, connection.Username, deliveredText, _timeProvider.GetUtcNow());

        // Stored before broadcast: history returns every message anyone saw.
        await _messages.AddAsync(chatMessage, cancellationToken).ConfigureAwait(false);

        var bytes = Serialize(ToFrame(chatMessage), Json.MessageFrame);
        var delivered = await BroadcastSafelyAsync(connection.StreamId, bytes, null, cancellationToken).ConfigureAwait(false);
        _metrics.MessageDelivered(delivered);
        Log.MessageDelivered(_logger, connection.ConnectionId, messageId, delivered);

        if (verdict.IsRedacted)
        {
            _metrics.MessageRedacted(verdict.Reason!.Value);
            var notice = Serialize(
                new MessageRedactedFrame { Timestamp = Now(), MessageId = messageId, Reason = verdict.Reason!.Value.ToWireName(), Message = verdict.Explanation! },
                Json.MessageRedactedFrame);
            await SendAsync(connection.ConnectionId, notice, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the moderators in order. The first block wins; a redaction replaces the text the later
    /// moderators see and the stream gets. The final decision goes to the audit sink.
    /// </summary>
    private async ValueTask<(ModerationResult Verdict, string Text)> ModerateAsync(ModerationContext context, CancellationToken cancellationToken)
    {
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
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A broken moderator is handled by the configured failure mode, never by dropping the connection.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ModeratorFailed(_logger, moderator.GetType().Name, context.MessageId, _options.Moderation.FailureMode.ToString(), ex);
                if (_options.Moderation.FailureMode == ModerationFailureMode.FailOpen)
                {
                    continue;
                }

                result = ModerationResult.Block(BlockReason.Toxicity, "moderation.unavailable", ModerationConstants.UnavailableExplanation);
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

        var entry = new ModerationAuditEntry(
            _timeProvider.GetUtcNow(),
            context.StreamId,
            context.UserId,
            context.ConnectionId,
            context.MessageId,
            verdict.Action,
            verdict.Reason,
            verdict.Rule,
            _options.Moderation.AuditIncludesText ? original : null);
        try
        {
            await _audit.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failing audit sink must not stop the chat.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.AuditFailed(_logger, context.MessageId, ex);
        }

        return (verdict, context.Text);
    }

    private async ValueTask SendHistoryAsync(ChatConnection connection, ClientFrame frame, CancellationToken cancellationToken)
    {
        if (frame.LimitHasWrongType)
        {
            await SendErrorAsync(connection.ConnectionId, ChatErrorCode.MissingField, "The \"limit\" field must be an integer.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var limit = Math.Clamp(frame.Limit ?? _options.DefaultHistoryLimit, 1, _options.MaxHistoryLimit);
        var messages = await _messages.GetRecentAsync(connection.StreamId, limit, cancellationToken).ConfigureAwait(false);
        var frames = new MessageFrame[messages.Count];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = ToFrame(messages[i]);
        }

        var bytes = Serialize(new HistoryFrame { Timestamp = Now(), StreamId = connection.StreamId, Messages = frames }, Json.HistoryFrame);
        await SendAsync(connection.ConnectionId, bytes, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendWelcomeAsync(ChatConnection connection, CancellationToken cancellationToken)
    {
        var viewers = await _connections.CountAsync(connection.StreamId, cancellationToken).ConfigureAwait(false);
        var bytes = Serialize(
            new WelcomeFrame
            {
                Timestamp = Now(),
                StreamId = connection.StreamId,
                UserId = connection.UserId,
                Username = connection.Username,
                Message = _options.WelcomeMessage,
                ViewerCount = viewers,
            },
            Json.WelcomeFrame);
        await SendAsync(connection.ConnectionId, bytes, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendErrorAsync(string connectionId, ChatErrorCode code, string text, CancellationToken cancellationToken)
    {
        _metrics.Error(code);
        Log.ErrorSent(_logger, connectionId, code.ToWireName());
        var bytes = Serialize(new ErrorFrame { Timestamp = Now(), Code = code.ToWireName(), Message = text }, Json.ErrorFrame);
        await SendAsync(connectionId, bytes, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask SendAsync(string connectionId, byte[] frame, CancellationToken cancellationToken)
    {
        var result = await _broadcaster.SendToConnectionAsync(connectionId, frame, cancellationToken).ConfigureAwait(false);
        if (result.GoneConnectionIds.Count > 0)
        {
            await RemoveAndAnnounceAsync(result.GoneConnectionIds, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Broadcasts to a stream; gone connections are removed and announced, and a failing broadcaster is logged, not thrown.</summary>
    private async ValueTask<int> BroadcastSafelyAsync(string streamId, byte[] frame, string? exceptConnectionId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        BroadcastResult result;
        try
        {
            result = await _broadcaster.SendToStreamAsync(streamId, frame, exceptConnectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The message is stored; a broadcaster failure must not fail the sender's frame twice.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.BroadcastFailed(_logger, streamId, ex);
            return 0;
        }

        _metrics.BroadcastCompleted(Stopwatch.GetElapsedTime(started));
        if (result.GoneConnectionIds.Count > 0)
        {
            await RemoveAndAnnounceAsync(result.GoneConnectionIds, cancellationToken).ConfigureAwait(false);
        }

        return result.Delivered;
    }

    /// <summary>
    /// Removes connections and tells their streams. Announcing may find more connections gone; they are
    /// handled in the same loop, and each is removed (and announced) at most once.
    /// </summary>
    private async ValueTask RemoveAndAnnounceAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken)
    {
        var pending = new Queue<string>(connectionIds);
        while (pending.TryDequeue(out var connectionId))
        {
            var removed = await _connections.RemoveAsync(connectionId, cancellationToken).ConfigureAwait(false);
            if (removed is null)
            {
                continue;
            }

            _metrics.ConnectionClosed();
            Log.ConnectionClosed(_logger, removed.ConnectionId, removed.StreamId, removed.UserId);
            var left = Serialize(
                new UserLeftFrame { Timestamp = Now(), StreamId = removed.StreamId, UserId = removed.UserId, Username = removed.Username },
                Json.UserLeftFrame);
            try
            {
                var result = await _broadcaster.SendToStreamAsync(removed.StreamId, left, removed.ConnectionId, cancellationToken).ConfigureAwait(false);
                foreach (var gone in result.GoneConnectionIds)
                {
                    pending.Enqueue(gone);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The connection is removed either way; announcing it is best effort.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.BroadcastFailed(_logger, removed.StreamId, ex);
            }
        }
    }

    private static MessageFrame ToFrame(ChatMessage message) => new()
    {
        Timestamp = ProtocolTime.Format(message.SentAt),
        MessageId = message.MessageId,
        StreamId = message.StreamId,
        UserId = message.UserId,
        Username = message.Username,
        Message = message.Text,
    };

    private static byte[] Serialize<T>(T frame, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(frame, typeInfo);

    /// <summary>Counts Unicode scalar values, so an emoji counts as one character, as it does for a person.</summary>
    private static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private string Now() => ProtocolTime.Format(_timeProvider.GetUtcNow());
}
