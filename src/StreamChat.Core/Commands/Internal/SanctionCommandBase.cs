using StreamChat.Core.Identity;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Commands.Internal;

/// <summary>Commands aimed at a user: a moderator may not aim them at a moderator or the broadcaster, only the broadcaster may.</summary>
internal abstract class SanctionCommandBase(ModeratorActions actions) : IChatCommand
{
    protected ModeratorActions Actions { get; } = actions;

    public abstract string Name { get; }

    public abstract string Usage { get; }

    public abstract ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation);

    /// <summary>The target user, after checking the issuer outranks them.</summary>
    protected async ValueTask<string> TargetAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var user = invocation.User(0);
        var target = await Actions.RoleInStreamAsync(invocation.StreamId, user, invocation.CancellationToken).ConfigureAwait(false);
        if (target >= invocation.Message.Role)
        {
            var what = target == ChatRole.Broadcaster ? "the broadcaster" : "another moderator";
            throw new ChatException(ChatErrorCode.Forbidden, $"/{Name} cannot be aimed at {what}.");
        }

        return user;
    }
}

internal sealed class BanCommand(ModeratorActions actions) : SanctionCommandBase(actions)
{
    public override string Name => "ban";

    public override string Usage => "/ban USER [reason]";

    public override async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        var user = await TargetAsync(invocation).ConfigureAwait(false);
        await Actions.BanAsync(invocation.StreamId, user, invocation.Rest(1), invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(user, $"{user} is banned from this stream's chat.");
    }
}

internal sealed class TimeoutCommand(ModeratorActions actions) : SanctionCommandBase(actions)
{
    /// <summary>Twitch's range: one second to two weeks.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(14);

    public override string Name => "timeout";

    public override string Usage => "/timeout USER SECONDS [reason] (1 to 1209600 seconds, or 10m, 2h, 1d, 1w)";

    public override async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var seconds = invocation.Argument(1);
        if (!CommandArguments.TryParseDuration(seconds, TimeSpan.FromSeconds(1), Longest, out var duration))
        {
            throw invocation.Invalid($"'{seconds}' is not a duration from 1 second to 2 weeks.");
        }

        var user = await TargetAsync(invocation).ConfigureAwait(false);
        await Actions.TimeoutAsync(invocation.StreamId, user, duration, invocation.Rest(2), invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(user, $"{user} is timed out for {(int)duration.TotalSeconds} seconds.");
    }
}

internal sealed class ShadowBanCommand(ModeratorActions actions) : SanctionCommandBase(actions)
{
    public override string Name => "shadowban";

    public override string Usage => "/shadowban USER";

    public override async ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        invocation.NoMoreThan(1);
        var user = await TargetAsync(invocation).ConfigureAwait(false);
        await Actions.ShadowBanAsync(invocation.StreamId, user, invocation.CancellationToken).ConfigureAwait(false);
        return new CommandResult(user, $"{user} is shadow banned: only they see their messages.");
    }
}
