namespace StreamChat.Core;

/// <summary>Reactions (<c>StreamChat:Reactions</c>): which emoji viewers may react with, and how reaction storms are folded.</summary>
public sealed class ReactionOptions
{
    /// <summary>Gets the emoji a <c>react</c> may carry; others get <c>invalid_reaction</c>.</summary>
    /// <value>The default is 👍 ❤️ 😂 😮 😢 🔥 🎉 👏. Configuration binding appends to it; clear it first to replace it.</value>
    public IList<string> AllowedEmoji { get; } = ["👍", "❤️", "😂", "😮", "😢", "🔥", "🎉", "👏"];

    /// <summary>
    /// Gets or sets the least time between two <c>reactions</c> frames of one stream: reactions in between are folded
    /// into one frame with the counts per message, so a storm costs each viewer one frame per interval.
    /// </summary>
    /// <value>The default value is 250 milliseconds; it must be between 10 milliseconds and 10 seconds.</value>
    public TimeSpan FoldInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
