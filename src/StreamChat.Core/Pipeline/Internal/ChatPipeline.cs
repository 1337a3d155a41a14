using System.Collections.Frozen;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core.Actions.Internal;
using StreamChat.Core.Connections;
using StreamChat.Core.Diagnostics.Internal;
using StreamChat.Core.Identity.Internal;
using StreamChat.Core.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Pipeline.Internal;

/// <summary>Parses and dispatches (as SignalR's DefaultHubDispatcher does): a handshake through identity rules and policies to the store, a
/// frame to its action's handler. Failures are answered here only: <see cref="ChatException"/> as its error, others as <c>internal_error</c>.</summary>
internal sealed partial class ChatPipeline : IChatPipeline
{
    private readonly FrozenDictionary<string, IChatActionHandler> _handlers;
    private readonly string _unknownAction;
    private readonly ChatPolicyChain _policies;
    private readonly ChatDelivery _delivery;
    private readonly IConnectionStore _connections;
    private readonly StreamChatOptions _options;
    private readonly IFrameSequencer _sequencer;
    private readonly ILogger _logger;

    public ChatPipeline(
        IEnumerable<IChatActionHandler> handlers,
        ChatPolicyChain policies,
        ChatDelivery delivery,
        IConnectionStore connections,
        IOptions<StreamChatOptions> options,
        IFrameSequencer sequencer,
        ILogger<ChatPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var registered = handlers.ToArray();
        _handlers = registered.ToFrozenDictionary(static h => h.Action, StringComparer.Ordinal);
        _unknownAction = "Unknown action. Known actions: " + string.Join(", ", registered.Select(static h => h.Action)) + ".";
        _policies = policies;
        _delivery = delivery;
        _connections = connections;
        _options = options.Value;
        _sequencer = sequencer;
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

        var connection = new ChatConnection(request.ConnectionId, request.StreamId!, request.UserId!, request.Username!, _delivery.UtcNow(), request.Role);
        ConnectResult result;
        try
        {
            result = await _policies.ConnectAsync(new ChatConnectContext(connection, cancellationToken) { RemoteAddress = request.RemoteAddress }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsFailure(cancellationToken))
        {
            // A store failure refuses the handshake cleanly; nothing was stored.
            Log.ConnectionStoreFailed(_logger, request.ConnectionId, ex);
            return ConnectResult.Refuse(503, "The chat is temporarily unavailable. Try again shortly.");
        }

        if (!result.IsAccepted)
        {
            Log.ConnectionRefused(_logger, request.ConnectionId, result.StatusCode, result.Reason!);
            return result;
        }

        _delivery.Metrics.ConnectionOpened();
        Log.ConnectionOpened(_logger, connection.ConnectionId, connection.StreamId, connection.UserId);
        await _delivery.AnnounceJoinedAsync(result.Connection!, cancellationToken).ConfigureAwait(false);
        return result;
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

        // The welcome at open is the answer to a hello the client did not have to send.
        await _handlers[ProtocolNames.HelloAction].HandleAsync(new ChatActionContext(connectionId, connection, default, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask MessageAsync(string connectionId, ReadOnlyMemory<byte> utf8Frame, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        try
        {
            await DispatchAsync(connectionId, utf8Frame, cancellationToken).ConfigureAwait(false);
        }
        catch (ChatException ex)
        {
            await _delivery.SendErrorAsync(connectionId, ex.Code, ex.Message, cancellationToken, ex.RetryAfter).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsFailure(cancellationToken))
        {
            // Any failure becomes internal_error for the sender; the connection stays usable.
            Log.FrameFailed(_logger, connectionId, ex);
            ChatTracing.Fail(Activity.Current, ex);
            var text = _options.IncludeExceptionDetails ? $"An unexpected error occurred: {ex.GetType().Name}: {ex.Message}" : "An unexpected error occurred. Try again.";
            await _delivery.SendErrorAsync(connectionId, ChatErrorCode.InternalError, text, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask BinaryFrameAsync(string connectionId, CancellationToken cancellationToken = default) => _delivery.SendErrorAsync(connectionId, ChatErrorCode.BinaryFrame, "Frames must be UTF-8 JSON sent as text; binary frames are not read.", cancellationToken);

    /// <inheritdoc />
    public ValueTask DisconnectAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        return _delivery.RemoveAndAnnounceAsync([connectionId], cancellationToken);
    }

    /// <inheritdoc />
    public Task CompleteDeferredWorkAsync(CancellationToken cancellationToken = default) => _delivery.WhenIdleAsync(cancellationToken);

    private async ValueTask DispatchAsync(string connectionId, ReadOnlyMemory<byte> utf8Frame, CancellationToken cancellationToken)
    {
        if (utf8Frame.Length > _options.MaxFrameBytes)
        {
            throw new ChatException(ChatErrorCode.FrameTooLarge, $"Frames may be at most {_options.MaxFrameBytes} bytes.");
        }

        if (!ClientFrameParser.TryParse(utf8Frame.Span, out var frame))
        {
            throw new ChatException(ChatErrorCode.InvalidJson, "Frames must be a UTF-8 JSON object.");
        }

        if (frame.HasWrongType(FrameFields.Seq))
        {
            throw new ChatException(ChatErrorCode.MissingField, "The \"seq\" field must be a positive integer.");
        }

        if (frame.Seq is not { } seq)
        {
            await HandleAsync(connectionId, frame, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A numbered frame waits for its predecessors (the sequencer logs a wait that ran out) and, handled or
        // refused, lets its successor go.
        await _sequencer.WaitForTurnAsync(connectionId, seq, cancellationToken).ConfigureAwait(false);
        try
        {
            await HandleAsync(connectionId, frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await _sequencer.CompleteAsync(connectionId, seq, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleAsync(string connectionId, ClientFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Action is null)
        {
            throw new ChatException(ChatErrorCode.MissingField, "Every frame needs an \"action\" string.");
        }

        if (!_handlers.TryGetValue(frame.Action, out var handler))
        {
            throw new ChatException(ChatErrorCode.UnknownAction, _unknownAction);
        }

        Activity.Current?.SetTag(ChatTracing.RpcMethod, frame.Action);
        ChatConnection? connection = null;
        if (handler.NeedsConnection)
        {
            connection = await _connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                Log.UnknownConnection(_logger, connectionId);
                throw new ChatException(ChatErrorCode.InternalError, "This connection is no longer registered. Reconnect to continue.");
            }
        }

        await handler.HandleAsync(new ChatActionContext(connectionId, connection, frame, cancellationToken)).ConfigureAwait(false);
    }
}
