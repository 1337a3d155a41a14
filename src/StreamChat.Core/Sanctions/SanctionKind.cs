namespace StreamChat.Core.Sanctions;

/// <summary>What a moderator can put on one user in one stream.</summary>
public enum SanctionKind
{
    /// <summary>Banned: connections are closed and refused, messages blocked (<c>/ban</c>).</summary>
    Ban,

    /// <summary>Timed out: messages are blocked as <c>muted</c> until the time-out ends (<c>/timeout</c>).</summary>
    Timeout,

    /// <summary>Shadow banned: messages reach only the user's own connections, and the user is not told (<c>/shadowban</c>).</summary>
    ShadowBan,

    /// <summary>Not a sanction but a grant: the user moderates the stream (<c>/mod</c>, broadcaster only).</summary>
    Moderator,
}
