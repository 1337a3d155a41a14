using System.Collections.Frozen;
using StreamChat.Core.Identity;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Commands.Internal;

/// <summary>
/// Messages that start with <c>/</c> and a letter are commands: parsed, checked against the sender's role, carried
/// out, acknowledged to the sender (<c>command_result</c>) and audited. They are never delivered as chat text and never
/// stored in history. They come here after the authorize and limit slots, so a banned user's command is blocked and
/// commands count toward the sender's rate limit.
/// </summary>
internal sealed class ChatCommandDispatcher
{
    private readonly FrozenDictionary<string, IChatCommand> _commands;
    private readonly string _unknown;
    private readonly ChatDelivery _delivery;
    private readonly AuditTrail _audit;

    public ChatCommandDispatcher(IEnumerable<IChatCommand> commands, ChatDelivery delivery, AuditTrail audit)
    {
        var registered = commands.ToArray();
        _commands = registered.ToFrozenDictionary(static c => c.Name, StringComparer.OrdinalIgnoreCase);
        _unknown = "Commands: " + string.Join(", ", registered.Select(static c => "/" + c.Name)) + ".";
        _delivery = delivery;
        _audit = audit;
    }

    public static bool IsCommand(string text) => text.Length > 1 && text[0] == '/' && char.IsAsciiLetter(text[1]);

    public async ValueTask<MessageOutcome> ExecuteAsync(ChatMessageContext context)
    {
        var parts = context.Text[1..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var name = parts[0];
        if (!_commands.TryGetValue(name, out var command))
        {
            throw new ChatException(ChatErrorCode.UnknownCommand, $"There is no command /{name}. {_unknown}");
        }

        if (context.Role < command.MinimumRole)
        {
            var who = command.MinimumRole == ChatRole.Broadcaster ? "the broadcaster" : "moderators and the broadcaster";
            throw new ChatException(ChatErrorCode.Forbidden, $"Only {who} may use /{command.Name}.");
        }

        var invocation = new ChatCommandInvocation(command, context, parts[1..]);
        var result = await command.ExecuteAsync(invocation).ConfigureAwait(false);
        _delivery.Metrics.CommandExecuted(command.Name);
        var cancellationToken = context.CancellationToken;
        await _audit.CommandAsync(context.Connection, context.MessageId, command.Name, result.TargetUserId, string.Join(' ', invocation.Arguments), cancellationToken).ConfigureAwait(false);
        var ack = ChatDelivery.Serialize(new CommandResultFrame { Timestamp = _delivery.Now(), Command = command.Name, Message = result.Message }, ChatJsonContext.Default.CommandResultFrame);
        await _delivery.SendAsync(context.Connection.ConnectionId, ack, cancellationToken).ConfigureAwait(false);
        return MessageOutcome.Delivered;
    }
}
