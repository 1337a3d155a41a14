using StreamChat.Core.Commands.Internal;
using StreamChat.Core.Connections;

namespace StreamChat.Core.Pipeline.Internal;

/// <summary>
/// The authorize and limit slots, folded once into one delegate per hook (as SignalR's DefaultHubDispatcher folds its
/// hub filters): a handshake or message costs one delegate call per policy and nothing to set up.
/// </summary>
internal sealed class ChatPolicyChain
{
    private readonly IConnectionStore _connections;

    public ChatPolicyChain(IEnumerable<IChatPolicy> policies, IConnectionStore connections, MessagePublisher publisher, ChatCommandDispatcher commands)
    {
        _connections = connections;

        // Stable: authorize before limit, and within a slot the first registered is the outermost.
        var ordered = policies.OrderBy(static p => p.Slot).ToArray();
        ChatPolicyStep<ChatConnectContext, ConnectResult> connect = StoreAsync;
        // The end of the message chain: a command is carried out, anything else is moderated, stored and broadcast.
        ChatPolicyStep<ChatMessageContext, MessageOutcome> message = context =>
            ChatCommandDispatcher.IsCommand(context.Text) ? commands.ExecuteAsync(context) : publisher.PublishAsync(context);
        for (var i = ordered.Length - 1; i >= 0; i--)
        {
            var policy = ordered[i];
            var nextConnect = connect;
            var nextMessage = message;
            connect = context => policy.OnConnectAsync(context, nextConnect);
            message = context => policy.OnMessageAsync(context, nextMessage);
        }

        ConnectAsync = connect;
        MessageAsync = message;
    }

    /// <summary>Runs the connect policies, then stores the connection.</summary>
    public ChatPolicyStep<ChatConnectContext, ConnectResult> ConnectAsync { get; }

    /// <summary>Runs the message policies, then carries out a command or moderates, stores and broadcasts the message.</summary>
    public ChatPolicyStep<ChatMessageContext, MessageOutcome> MessageAsync { get; }

    private async ValueTask<ConnectResult> StoreAsync(ChatConnectContext context)
    {
        var connection = context.Connection;
        if (!await _connections.AddAsync(connection, context.CancellationToken).ConfigureAwait(false))
        {
            return ConnectResult.Refuse(409, "A connection with this id is already open.");
        }

        return ConnectResult.Accept(connection);
    }
}
