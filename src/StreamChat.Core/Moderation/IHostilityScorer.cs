namespace StreamChat.Core.Moderation;

/// <summary>Scores how hostile a message reads, locally and fast (microseconds), so remote moderators can be asked only when it matters.</summary>
/// <remarks>Implementations must be safe to call concurrently and must not block.</remarks>
public interface IHostilityScorer
{
    /// <summary>Scores <paramref name="text"/>.</summary>
    /// <param name="text">The message text.</param>
    /// <returns>The score and the rule behind it; <see cref="HostilityScore.None"/> for ordinary chat.</returns>
    HostilityScore Score(string text);
}

/// <summary>A hostility score: 0 for ordinary chat, 1 for a message hostile in any reading, between for unsure.</summary>
/// <param name="Value">The score, 0 to 1.</param>
/// <param name="Rule">The rule that scored it (e.g. <c>toxicity.threat</c>); <see langword="null"/> when the score is 0.</param>
public readonly record struct HostilityScore(double Value, string? Rule)
{
    /// <summary>Gets the score of ordinary chat.</summary>
    public static HostilityScore None => default;
}
