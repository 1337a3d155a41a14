using System.Globalization;

namespace StreamChat.Core.Commands.Internal;

/// <summary>Durations in command arguments: whole seconds (<c>600</c>), or with a unit (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, <c>1w</c>).</summary>
internal static class CommandArguments
{
    public static bool TryParseDuration(string text, TimeSpan min, TimeSpan max, out TimeSpan duration)
    {
        duration = default;
        if (text.Length == 0)
        {
            return false;
        }

        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? char.ToUpperInvariant(text[^1]) : 'S';
        var digits = char.IsAsciiLetter(text[^1]) ? text[..^1] : text;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 10_000_000)
        {
            return false;
        }

        long? seconds = unit switch
        {
            'S' => value,
            'M' => value * 60,
            'H' => value * 3_600,
            'D' => value * 86_400,
            'W' => value * 604_800,
            _ => null,
        };
        if (seconds is null)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds.Value);
        return duration >= min && duration <= max;
    }
}
