// The floor: the least work a server can do to relay a chat frame to every socket of a stream, measured by the same
// load tool in the same run as StreamChat and the SignalR peer (benchmarks/run.sh), so each figure can be read against
// what the harness itself can see. No identity, moderation, storage or JSON parsing: a frame
// {"action":"message","message":"..."} comes back to the whole stream as {"type":"message","message":"..."}, the same
// bytes for every socket, each socket with its own send queue so one slow reader holds up nobody; an idle socket holds
// no receive buffer (a zero-byte read waits for the next frame), as StreamChat's do.
using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
app.UseWebSockets();

var streams = new ConcurrentDictionary<string, ConcurrentDictionary<Viewer, byte>>(StringComparer.Ordinal);
var prefix = "{\"action\":\"message\",\"message\":"u8.ToArray();
var replyPrefix = "{\"type\":\"message\",\"message\":"u8.ToArray();

app.Map("/chat", async (HttpContext context) =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    var streamId = context.Request.Query["streamId"].ToString();
    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var viewer = new Viewer(socket);
    var members = streams.GetOrAdd(streamId, static _ => new());
    members[viewer] = 0;
    var sending = viewer.SendLoopAsync();
    try
    {
        while (true)
        {
            // An idle socket holds no buffer: a zero-byte read waits for the next frame.
            var header = await socket.ReceiveAsync(Memory<byte>.Empty, context.RequestAborted);
            if (header.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(8 * 1024);
            try
            {
                var length = 0;
                ValueWebSocketReceiveResult result = header;
                while (!result.EndOfMessage && length < buffer.Length)
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), context.RequestAborted);
                    length += result.Count;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var frame = buffer.AsSpan(0, length);
                if (!frame.StartsWith(prefix))
                {
                    continue;
                }

                // One reply, built once, the same array queued to every socket of the stream.
                var reply = new byte[replyPrefix.Length + length - prefix.Length];
                replyPrefix.CopyTo(reply, 0);
                frame[prefix.Length..].CopyTo(reply.AsSpan(replyPrefix.Length));
                foreach (var member in members.Keys)
                {
                    member.Queue.Writer.TryWrite(reply);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
    {
    }
    finally
    {
        members.TryRemove(viewer, out _);
        viewer.Queue.Writer.TryComplete();
        await sending;
    }
});

app.MapGet("/", () => "Floor fan-out server: WebSocket at /chat?streamId=...");
app.Run();

/// <summary>One socket and its send queue (bounded: a reader that falls 1,000 frames behind loses the oldest).</summary>
internal sealed class Viewer(WebSocket socket)
{
    public Channel<byte[]> Queue { get; } = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(1000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public async Task SendLoopAsync()
    {
        try
        {
            await foreach (var frame in Queue.Reader.ReadAllAsync())
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
