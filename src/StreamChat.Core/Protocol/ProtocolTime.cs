using System.Globalization;

namespace StreamChat.Core.Protocol;

/// <summary>The protocol's one timestamp format, shared by frames and by stores that keep timestamps as text.</summary>
public static class ProtocolTime
{
    /// <summary>Formats <paramref name="time"/> as ISO 8601 in UTC with milliseconds: <c>2026-11-25T18:00:00.123Z</c>.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The formatted timestamp.</returns>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);
}
