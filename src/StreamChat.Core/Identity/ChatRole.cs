namespace StreamChat.Core.Identity;

/// <summary>What a user may do in a stream. Ordered: a higher value may do everything a lower one may.</summary>
public enum ChatRole
{
    /// <summary>Reads and writes chat (the default).</summary>
    Viewer,

    /// <summary>Moderates the stream's chat.</summary>
    Moderator,

    /// <summary>Owns the stream: moderates, and appoints moderators.</summary>
    Broadcaster,
}
