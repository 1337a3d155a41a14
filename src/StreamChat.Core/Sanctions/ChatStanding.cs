namespace StreamChat.Core.Sanctions;

/// <summary>A user's standing in one stream, as the pipeline reads it once per handshake and per message.</summary>
/// <remarks>Stores return only what is in force now: an expired time-out is absent.</remarks>
public sealed record ChatStanding
{
    /// <summary>Gets the standing of a user with no sanctions in a stream without slow mode.</summary>
    public static ChatStanding None { get; } = new();

    /// <summary>Gets a value indicating whether the user is banned from the stream.</summary>
    public bool IsBanned { get; init; }

    /// <summary>Gets when the user's time-out ends; <see langword="null"/> when not timed out.</summary>
    public DateTimeOffset? TimedOutUntil { get; init; }

    /// <summary>Gets a value indicating whether the user is shadow banned in the stream.</summary>
    public bool IsShadowBanned { get; init; }

    /// <summary>Gets a value indicating whether the broadcaster made the user a moderator of the stream (<c>/mod</c>).</summary>
    public bool IsGrantedModerator { get; init; }

    /// <summary>Gets the stream's slow mode: the least time between one viewer's messages; <see langword="null"/> when off.</summary>
    public TimeSpan? SlowMode { get; init; }
}
