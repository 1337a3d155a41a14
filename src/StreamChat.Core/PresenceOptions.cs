using System.ComponentModel.DataAnnotations;

namespace StreamChat.Core;

/// <summary>
/// Presence (<c>StreamChat:Presence</c>): up to a number of connections a stream hears each <c>user_joined</c> and
/// <c>user_left</c>; above it, a join storm of N viewers would cost N² deliveries, so the stream gets a
/// <c>viewer_count</c> frame at most once per interval instead.
/// </summary>
public sealed class PresenceOptions
{
    /// <summary>Gets or sets the most connections a stream may hold and still hear individual joins and leaves.</summary>
    /// <value>The default value is 100 (Stream Chat's number).</value>
    [Range(0, int.MaxValue)]
    public int IndividualEventsUpTo { get; set; } = 100;

    /// <summary>Gets or sets the least time between two <c>viewer_count</c> frames of one stream; a frame is sent only when the count changed.</summary>
    /// <value>The default value is 5 seconds; it must be between 100 milliseconds and 5 minutes.</value>
    public TimeSpan ViewerCountInterval { get; set; } = TimeSpan.FromSeconds(5);
}
