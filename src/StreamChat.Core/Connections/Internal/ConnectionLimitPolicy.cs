using Microsoft.Extensions.Options;
using StreamChat.Core.Pipeline;

namespace StreamChat.Core.Connections.Internal;

/// <summary>
/// <see cref="StreamChatOptions.MaxConnectionsPerUser"/> and <see cref="StreamChatOptions.MaxConnectionsPerStream"/> in the
/// limit slot: a handshake beyond either is refused with 429 and nothing is stored. Each costs one read per handshake
/// (the user's connections in the stream; the stream's count), and only when its limit is set. Two handshakes racing
/// can both pass at the limit, so a limit may be exceeded by the number of concurrent handshakes.
/// </summary>
internal sealed class ConnectionLimitPolicy : IChatPolicy
{
    private readonly IConnectionStore _connections;
    private readonly int? _limit;
    private readonly int? _userLimit;

    public ConnectionLimitPolicy(IConnectionStore connections, IOptions<StreamChatOptions> options)
    {
        _connections = connections;
        _limit = options.Value.MaxConnectionsPerStream;
        _userLimit = options.Value.MaxConnectionsPerUser;
    }

    public ChatPolicySlot Slot => ChatPolicySlot.Limit;

    public async ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var connection = context.Connection;
        if (_userLimit is { } userLimit
            && (await _connections.GetByUserAsync(connection.StreamId, connection.UserId, context.CancellationToken).ConfigureAwait(false)).Count >= userLimit)
        {
            return ConnectResult.Refuse(429, $"You already have {userLimit} connections open to this stream's chat. Close one and try again.");
        }

        if (_limit is { } limit
            && await _connections.CountAsync(context.Connection.StreamId, context.CancellationToken).ConfigureAwait(false) >= limit)
        {
            return ConnectResult.Refuse(429, "This stream's chat is full. Try again later.");
        }

        return await continuation(context).ConfigureAwait(false);
    }
}
