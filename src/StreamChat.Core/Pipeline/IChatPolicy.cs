namespace StreamChat.Core.Pipeline;

/// <summary>
/// A policy in one of the pipeline's fixed slots before moderation (<see cref="ChatPolicySlot.Authorize"/>, then
/// <see cref="ChatPolicySlot.Limit"/>). Each hook gets the rest of the pipeline as <c>continuation</c>: call it to let the
/// handshake or message through (and see how it ended), or return without calling it to refuse or block.
/// </summary>
/// <remarks>
/// Policies are registered with <c>TryAddEnumerable</c> and folded once, at start-up, into one delegate per hook, in
/// slot order and then registration order (the first registered is the outermost), as SignalR folds its hub filters.
/// They are singletons called concurrently for many connections; implementations must be thread-safe. Both hooks
/// default to calling <c>continuation</c>, so a policy implements only what it guards. Throw <see cref="ChatException"/>
/// to answer the sender with an <c>error</c> frame.
/// </remarks>
public interface IChatPolicy
{
    /// <summary>Gets the slot the policy runs in.</summary>
    ChatPolicySlot Slot { get; }

    /// <summary>Runs for each handshake whose identity is valid, before the connection is stored.</summary>
    /// <param name="context">The connection about to be stored.</param>
    /// <param name="continuation">Stores the connection (after the remaining policies).</param>
    /// <returns>The result of <paramref name="continuation"/>, or a refusal (<see cref="ConnectResult.Refuse"/>).</returns>
    ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(context);
    }

    /// <summary>Runs for each valid chat message, before moderation.</summary>
    /// <param name="context">The message about to be moderated, stored and broadcast.</param>
    /// <param name="continuation">Moderates, stores and broadcasts the message (after the remaining policies).</param>
    /// <returns>The result of <paramref name="continuation"/>, or a block (<see cref="MessageOutcome.Block(Protocol.BlockReason, string)"/>).</returns>
    ValueTask<MessageOutcome> OnMessageAsync(ChatMessageContext context, ChatPolicyStep<ChatMessageContext, MessageOutcome> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(context);
    }
}
