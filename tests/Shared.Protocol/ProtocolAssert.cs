using System.Text.Json;

namespace StreamChat.Testing;

/// <summary>Checks shared by the protocol tests of every host.</summary>
internal static class ProtocolAssert
{
    public static string Type(JsonElement frame) => frame.GetProperty("type").GetString()!;

    /// <summary>ISO 8601, UTC, milliseconds, and about now.</summary>
    public static void Timestamp(JsonElement frame)
    {
        var text = frame.GetProperty("timestamp").GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", text);
        Assert.InRange(DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    /// <summary>After a bad frame: nothing is pending for either side, and the sender can still chat.</summary>
    public static async Task StillUsableAndNothingLeakedAsync(IChatTestConnection sender, IChatTestConnection other)
    {
        Assert.Empty(await sender.DrainAsync());
        Assert.Empty(await other.DrainAsync());
        await sender.SendMessageAsync("still here");
        Assert.Equal("still here", (await other.ReceiveAsync("message")).GetProperty("message").GetString());
    }
}
