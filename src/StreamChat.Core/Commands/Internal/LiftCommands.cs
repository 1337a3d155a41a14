using StreamChat.Core.Sanctions;

namespace StreamChat.Core.Commands.Internal;

/// <summary>
/// The commands that lift a sanction (<c>/unban</c>, <c>/untimeout</c>, <c>/unshadowban</c>): one user argument, and
/// the moderator is told whether there was anything to lift.
/// </summary>
internal abstract class LiftCommandBase(ModeratorActions actions, SanctionKind kind, string state) : IChatCommand
{
    public abstract string Name { get; }

    public string Usage => $"/{Name} USER";

    public async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        invocation.NoMoreThan(1);
        var user = invocation.User(0);
        var lifted = await actions.LiftAsync(invocation.StreamId, user, kind, invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(user, lifted ? $"{user} is no longer {state}." : $"{user} was not {state}.");
    }
}

internal sealed class UnbanCommand(ModeratorActions actions) : LiftCommandBase(actions, SanctionKind.Ban, "banned")
{
    public override string Name => "unban";
}

internal sealed class UntimeoutCommand(ModeratorActions actions) : LiftCommandBase(actions, SanctionKind.Timeout, "timed out")
{
    public override string Name => "untimeout";
}

internal sealed class UnshadowBanCommand(ModeratorActions actions) : LiftCommandBase(actions, SanctionKind.ShadowBan, "shadow banned")
{
    public override string Name => "unshadowban";
}
