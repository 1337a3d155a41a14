namespace StreamChat.Core.Moderation;

/// <summary>What moderation did with a message.</summary>
public enum ModerationAction
{
    /// <summary>Delivered as sent.</summary>
    Allowed,

    /// <summary>Not delivered; the sender was told why.</summary>
    Blocked,

    /// <summary>Delivered with parts masked; the sender was told why.</summary>
    Redacted,

    /// <summary>A moderator's command was carried out (<c>/ban</c>, <c>/timeout</c>, ...).</summary>
    Command,
}
