using Microsoft.Extensions.Options;
using StreamChat.Core.Connections;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary><c>hello</c>: answers <c>welcome</c> with the connection's identity and the stream's viewer count.</summary>
internal sealed class HelloActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;
    private readonly IConnectionStore _connections;
    private readonly string _greeting;

    public HelloActionHandler(ChatDelivery delivery, IConnectionStore connections, IOptions<StreamChatOptions> options)
    {
        _delivery = delivery;
        _connections = connections;
        _greeting = options.Value.WelcomeMessage;
    }

    public string Action => ProtocolNames.HelloAction;

    /// <summary>Sends the welcome (also at open, on hosts that can deliver then); the frame's fields are not read.</summary>
    public async ValueTask HandleAsync(ChatActionContext context)
    {
        var (_, connection, _, cancellationToken) = context;
        var viewers = await _connections.CountAsync(connection!.StreamId, cancellationToken).ConfigureAwait(false);
        var frame = new WelcomeFrame
        {
            Timestamp = _delivery.Now(),
            StreamId = connection.StreamId,
            UserId = connection.UserId,
            Username = connection.Username,
            Message = _greeting,
            ViewerCount = viewers,
        };
        await _delivery.SendAsync(connection.ConnectionId, ChatDelivery.Serialize(frame, ChatJsonContext.Default.WelcomeFrame), cancellationToken).ConfigureAwait(false);
    }
}
