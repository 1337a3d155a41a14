using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace StreamChat.LoadTest;

/// <summary>
/// Reads a Redis server's command counters (<c>INFO commandstats</c>) over a raw socket, so the tool can count the
/// Redis work of the publishing window alone (joins and leaves excluded): <c>--redis HOST:PORT</c>.
/// </summary>
internal static class RedisProbe
{
    /// <summary>Calls of PUBLISH and of every command so far, or <see langword="null"/> without <c>--redis</c>.</summary>
    public static async Task<(long Publishes, long Commands)?> ReadAsync(string? endpoint)
    {
        if (endpoint is null)
        {
            return null;
        }

        var (host, port) = (endpoint[..endpoint.LastIndexOf(':')], int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("INFO commandstats\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var header = await reader.ReadLineAsync() ?? throw new IOException("Redis closed the connection.");
        var length = int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture);
        var body = new char[length];
        var read = 0;
        while (read < length)
        {
            var n = await reader.ReadAsync(body.AsMemory(read));
            if (n == 0)
            {
                throw new IOException("Redis closed the connection.");
            }

            read += n;
        }

        long publishes = 0, commands = 0;
        foreach (var line in new string(body).Split('\n'))
        {
            // cmdstat_publish:calls=800,usec=...
            var at = line.IndexOf(":calls=", StringComparison.Ordinal);
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal) || at < 0)
            {
                continue;
            }

            var end = line.IndexOf(',', at);
            var calls = long.Parse(line.AsSpan(at + 7, end - at - 7), CultureInfo.InvariantCulture);
            commands += calls;
            if (line.StartsWith("cmdstat_publish:", StringComparison.Ordinal))
            {
                publishes = calls;
            }
        }

        return (publishes, commands);
    }
}
