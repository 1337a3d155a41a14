using StreamChat.Core.Identity;

namespace StreamChat.Core.Commands.Internal;

internal sealed class DeleteCommand(ModeratorActions actions) : IChatCommand
{
    public string Name => "delete";

    public string Usage => "/delete MESSAGE_ID";

    public async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        invocation.NoMoreThan(1);
        var messageId = invocation.Argument(0);
        if (!Ulid.TryParse(messageId, out _))
        {
            throw invocation.Invalid($"'{messageId}' is not a message id.");
        }

        if (!await actions.DeleteMessageAsync(invocation.StreamId, messageId, invocation.CancellationToken).ConfigureAwait(false))
        {
            throw invocation.Invalid($"This stream's history holds no message {messageId}.");
        }

        return new CommandResult(null, $"Message {messageId} is deleted.");
    }
}

internal sealed class ClearCommand(ModeratorActions actions) : IChatCommand
{
    public string Name => "clear";

    public string Usage => "/clear";

    public async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        invocation.NoMoreThan(0);
        await actions.ClearAsync(invocation.StreamId, invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(null, "The chat is cleared.");
    }
}

internal sealed class SlowCommand(ModeratorActions actions) : IChatCommand
{
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(120);

    public string Name => "slow";

    public string Usage => "/slow SECONDS (1 to 120) or /slow off";

    public async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        invocation.NoMoreThan(1);
        var argument = invocation.Argument(0);
        TimeSpan? interval = null;
        if (!string.Equals(argument, "off", StringComparison.OrdinalIgnoreCase))
        {
            if (!CommandArguments.TryParseDuration(argument, TimeSpan.FromSeconds(1), Longest, out var value))
            {
                throw invocation.Invalid($"'{argument}' is not from 1 to 120 seconds.");
            }

            interval = value;
        }

        await actions.SetSlowModeAsync(invocation.StreamId, interval, invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(null, interval is { } on ? $"Slow mode is on: one message every {(int)on.TotalSeconds} seconds per viewer." : "Slow mode is off.");
    }
}

internal sealed class ModCommand(ModeratorActions actions) : IChatCommand
{
    public string Name => "mod";

    public string Usage => "/mod USER";

    public ChatRole MinimumRole => ChatRole.Broadcaster;

    public async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        invocation.NoMoreThan(1);
        var user = invocation.User(0);
        await actions.SetModeratorAsync(invocation.StreamId, user, on: true, invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(user, $"{user} is now a moderator of this stream.");
    }
}

internal sealed class UnmodCommand(ModeratorActions actions) : IChatCommand
{
    public string Name => "unmod";

    public string Usage => "/unmod USER";

    public ChatRole MinimumRole => ChatRole.Broadcaster;

    public async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        invocation.NoMoreThan(1);
        var user = invocation.User(0);
        var removed = await actions.SetModeratorAsync(invocation.StreamId, user, on: false, invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(user, removed ? $"{user} is no longer a moderator of this stream." : $"{user} was not made a moderator here with /mod.");
    }
}
