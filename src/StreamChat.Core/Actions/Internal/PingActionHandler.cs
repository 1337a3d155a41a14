using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary><c>ping</c>: answers <c>pong</c>, without reading the store.</summary>
internal sealed class PingActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;

    public PingActionHandler(ChatDelivery delivery) => _delivery = delivery;

    public string Action => ProtocolNames.PingAction;

    public bool NeedsConnection => false;

    public ValueTask HandleAsync(ChatActionContext context) =>
        _delivery.SendAsync(context.ConnectionId, ChatDelivery.Serialize(new PongFrame { Timestamp = _delivery.Now() }, ChatJsonContext.Default.PongFrame), context.CancellationToken);
}
