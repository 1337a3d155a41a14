using System.Text.Json;
using System.Threading.Channels;

namespace StreamChat.Testing;

/// <summary>
/// What every test connection does with the frames it received, whichever transport delivered them: wait for the
/// next (or the next of a type), assert none came, and drain up to a pong.
/// </summary>
internal abstract class ChatTestConnectionBase : IChatTestConnection
{
    /// <summary>Frames as they arrive; the transport writes, the test reads. Completing it means the connection closed.</summary>
    protected Channel<JsonElement> Frames { get; } = Channel.CreateUnbounded<JsonElement>();

    public abstract Task SendAsync(string json);

    public abstract Task SendRawAsync(ReadOnlyMemory<byte> bytes);

    public abstract Task SendBinaryAsync(ReadOnlyMemory<byte> bytes);

    public abstract Task CloseAsync();

    public abstract Task<int?> ClosedByServerAsync();

    public abstract ValueTask DisposeAsync();

    public Task SendMessageAsync(string text) => SendAsync(JsonSerializer.Serialize(new { action = "message", message = text }));

    public async Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan);
        try
        {
            return await Frames.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No frame arrived in time.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The connection closed before the expected frame arrived.");
        }
    }

    public async Task<JsonElement> ReceiveAsync(string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await ReceiveAsync(timeout);
            if (frame.GetProperty("type").GetString() == type)
            {
                return frame;
            }
        }
    }

    public async Task AssertNoFrameAsync(TimeSpan window)
    {
        await Task.Delay(window);
        if (Frames.Reader.TryRead(out var frame))
        {
            Assert.Fail("Expected no frame but got: " + frame.GetRawText());
        }
    }

    public async Task<List<JsonElement>> DrainAsync()
    {
        await SendAsync("""{"action":"ping"}""");
        var frames = new List<JsonElement>();
        while (true)
        {
            var frame = await ReceiveAsync();
            if (frame.GetProperty("type").GetString() == "pong")
            {
                return frames;
            }

            frames.Add(frame);
        }
    }
}
