namespace StreamChat.Core.Pipeline;

/// <summary>The fixed policy slots that run before moderation, in this order.</summary>
public enum ChatPolicySlot
{
    /// <summary>Who may do this at all (bans, roles, commands); runs first.</summary>
    Authorize,

    /// <summary>How much and how often (connection limits, rate limits, slow mode); runs after every authorize policy.</summary>
    Limit,
}
