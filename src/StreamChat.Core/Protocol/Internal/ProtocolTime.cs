using System.Globalization;

namespace StreamChat.Core.Protocol.Internal;

internal static class ProtocolTime
{
    /// <summary>ISO 8601, UTC, milliseconds: <c>2026-11-25T18:00:00.123Z</c>.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);
}
