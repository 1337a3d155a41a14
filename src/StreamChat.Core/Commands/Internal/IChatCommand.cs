using StreamChat.Core.Identity;
using StreamChat.Core.Identity.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Commands.Internal;

/// <summary>One slash command (<c>/ban</c>, <c>/timeout</c>, ...): a small handler the dispatcher finds by name.</summary>
/// <remarks>Singletons, called concurrently. Bad arguments are thrown as <c>invalid_command</c> naming <see cref="Usage"/>.</remarks>
internal interface IChatCommand
{
    /// <summary>Gets the name without the slash, e.g. <c>ban</c>.</summary>
    string Name { get; }

    /// <summary>Gets the usage line, e.g. <c>/ban USER [reason]</c>.</summary>
    string Usage { get; }

    /// <summary>Gets the least role that may use the command.</summary>
    ChatRole MinimumRole => ChatRole.Moderator;

    /// <summary>Carries the command out; returns whom it was aimed at and the sentence for the moderator's acknowledgement.</summary>
    ValueTask<CommandResult> ExecuteAsync(ChatCommandInvocation invocation);
}

/// <summary>What a command did, for the acknowledgement and the audit trail.</summary>
/// <param name="TargetUserId">The user it was aimed at, if any.</param>
/// <param name="Message">A sentence for the moderator who issued it.</param>
internal readonly record struct CommandResult(string? TargetUserId, string Message);

/// <summary>A parsed command: the message it came in and its whitespace-separated arguments.</summary>
internal sealed class ChatCommandInvocation
{
    private readonly IChatCommand _command;

    public ChatCommandInvocation(IChatCommand command, ChatMessageContext message, string[] arguments)
    {
        _command = command;
        Message = message;
        Arguments = arguments;
    }

    public ChatMessageContext Message { get; }

    public string[] Arguments { get; }

    public string StreamId => Message.Connection.StreamId;

    public CancellationToken CancellationToken => Message.CancellationToken;

    /// <summary>The argument at <paramref name="index"/> as a user id (a leading <c>@</c> is dropped).</summary>
    public string User(int index)
    {
        var value = Argument(index).TrimStart('@');
        if (!IdentityRules.IsValidId(value))
        {
            throw Invalid($"'{value}' is not a user id.");
        }

        if (string.Equals(value, Message.Connection.UserId, StringComparison.Ordinal))
        {
            throw new ChatException(ChatErrorCode.InvalidCommand, $"/{_command.Name} cannot be aimed at yourself.");
        }

        return value;
    }

    public string Argument(int index) => index < Arguments.Length ? Arguments[index] : throw Invalid("An argument is missing.");

    /// <summary>The arguments from <paramref name="index"/> on, joined by spaces (a reason); <see langword="null"/> when there are none.</summary>
    public string? Rest(int index) => index < Arguments.Length ? string.Join(' ', Arguments[index..]) : null;

    public void NoMoreThan(int count)
    {
        if (Arguments.Length > count)
        {
            throw Invalid("Too many arguments.");
        }
    }

    public ChatException Invalid(string problem) => new(ChatErrorCode.InvalidCommand, $"{problem} Usage: {_command.Usage}");
}
