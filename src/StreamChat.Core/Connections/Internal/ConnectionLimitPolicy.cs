using Microsoft.Extensions.Options;
using StreamChat.Core.Pipeline;

namespace StreamChat.Core.Connections.Internal;

/// <summary>
/// <see cref="StreamChatOptions.MaxConnectionsPerStream"/> in the limit slot: a handshake beyond the limit is refused
/// with 429. It costs one count of the stream's connections per handshake, and only when a limit is set.
/// </summary>
internal sealed class ConnectionLimitPolicy : IChatPolicy
{
    private readonly IConnectionStore _connections;
    private readonly int? _limit;

    public ConnectionLimitPolicy(IConnectionStore connections, IOptions<StreamChatOptions> options)
    {
        _connections = connections;
        _limit = options.Value.MaxConnectionsPerStream;
    }

    public ChatPolicySlot Slot => ChatPolicySlot.Limit;

    public async ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (_limit is { } limit
            && await _connections.CountAsync(context.Connection.StreamId, context.CancellationToken).ConfigureAwait(false) >= limit)
        {
            return ConnectResult.Refuse(429, "This stream's chat is full. Try again later.");
        }

        return await continuation(context).ConfigureAwait(false);
    }
}
