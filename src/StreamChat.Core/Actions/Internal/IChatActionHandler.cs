using StreamChat.Core.Connections;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary>Handles one client action (<c>{"action":NAME,...}</c>). The pipeline dispatches each frame to exactly one.</summary>
/// <remarks>Singletons, called concurrently for different connections and in order for one connection.</remarks>
internal interface IChatActionHandler
{
    /// <summary>Gets the action's wire name, e.g. <c>message</c>.</summary>
    string Action { get; }

    /// <summary>Gets a value indicating whether the handler needs the sender's stored connection (one store read per frame).</summary>
    bool NeedsConnection => true;

    /// <summary>Handles the frame; bad input is answered to the sender, or thrown as <see cref="ChatException"/>.</summary>
    ValueTask HandleAsync(ChatActionContext context);
}

/// <summary>One frame to handle.</summary>
/// <param name="ConnectionId">The sender's connection id.</param>
/// <param name="Connection">The sender's stored connection; <see langword="null"/> only for handlers that do not need it.</param>
/// <param name="Frame">The parsed frame.</param>
/// <param name="CancellationToken">Cancels the handling.</param>
internal readonly record struct ChatActionContext(string ConnectionId, ChatConnection? Connection, ClientFrame Frame, CancellationToken CancellationToken);
