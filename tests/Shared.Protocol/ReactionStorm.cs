using System.Diagnostics;
using System.Text.Json;

namespace StreamChat.Testing;

/// <summary>A reaction storm into one stream, and what every viewer saw of it.</summary>
internal static class ReactionStorm
{
    /// <summary>
    /// Connects <paramref name="viewers"/> viewers, posts 5 messages, then has the first <paramref name="reactors"/>
    /// viewers react to each with 👍 and 🔥 (10 reactions each), spread evenly over <paramref name="spread"/>.
    /// </summary>
    /// <returns>The storm's duration, the most <c>reactions</c> frames one viewer got, and whether every viewer ended on the exact counts.</returns>
    public static async Task<(TimeSpan Elapsed, int MostFrames, int Reactions)> RunAsync(IChatTestHost host, string streamId, int viewers, int reactors, TimeSpan spread)
    {
        var connections = new List<IChatTestConnection>(viewers);
        try
        {
            for (var i = 0; i < viewers; i++)
            {
                connections.Add(await host.ConnectAsync(streamId, "v" + i));
            }

            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                await connections[0].SendMessageAsync("storm target " + i);
                while (true)
                {
                    var frame = await connections[0].ReceiveAsync("message");
                    if (frame.GetProperty("message").GetString() == "storm target " + i)
                    {
                        ids.Add(frame.GetProperty("messageId").GetString()!);
                        break;
                    }
                }
            }

            foreach (var connection in connections)
            {
                await connection.DrainAsync();
            }

            var sends = new List<(IChatTestConnection Connection, string Frame)>();
            foreach (var id in ids)
            {
                foreach (var emoji in new[] { "👍", "🔥" })
                {
                    for (var r = 0; r < reactors; r++)
                    {
                        sends.Add((connections[r], JsonSerializer.Serialize(new { action = "react", messageId = id, emoji })));
                    }
                }
            }

            var started = Stopwatch.StartNew();
            const int Batches = 20;
            var perBatch = (int)Math.Ceiling(sends.Count / (double)Batches);
            for (var b = 0; b < Batches; b++)
            {
                var due = spread * b / Batches;
                if (due > started.Elapsed)
                {
                    await Task.Delay(due - started.Elapsed);
                }

                await Task.WhenAll(sends.Skip(b * perBatch).Take(perBatch).GroupBy(s => s.Connection).Select(async g =>
                {
                    foreach (var (connection, frame) in g)
                    {
                        await connection.SendAsync(frame);
                    }
                }));
            }

            var elapsed = started.Elapsed;

            // Each viewer's drain (a ping answered after every frame before it) comes after the last fold.
            await Task.Delay(TimeSpan.FromSeconds(1.5));

            var most = 0;
            foreach (var connection in connections)
            {
                var frames = (await connection.DrainAsync()).Where(f => f.GetProperty("type").GetString() == "reactions").ToList();
                most = Math.Max(most, frames.Count);
                var last = new Dictionary<string, Dictionary<string, int>>();
                foreach (var frame in frames)
                {
                    foreach (var r in frame.GetProperty("reactions").EnumerateArray())
                    {
                        last[r.GetProperty("messageId").GetString()!] = r.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
                    }
                }

                Assert.Equal(ids.Order(StringComparer.Ordinal), last.Keys.Order(StringComparer.Ordinal));
                Assert.All(last.Values, counts => Assert.Equal(new Dictionary<string, int> { ["👍"] = reactors, ["🔥"] = reactors }, counts));
            }

            return (elapsed, most, sends.Count);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
