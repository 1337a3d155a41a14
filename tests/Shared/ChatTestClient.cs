using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace StreamChat.Testing;

/// <summary>A real WebSocket client speaking the StreamChat protocol, with bounded waits for every frame.</summary>
internal sealed class ChatTestClient : ChatTestConnectionBase
{
    private readonly ClientWebSocket _socket;
    private readonly Task _receiveLoop;
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChatTestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The close status the server sent, once the socket has closed.</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public static async Task<ChatTestClient> ConnectAsync(Uri uri, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, cancellationToken).DefaultTimeout();
        return new ChatTestClient(socket);
    }

    /// <summary>Tries a handshake that the server should refuse; returns the HTTP status it answered with.</summary>
    public static async Task<int> ConnectExpectingRefusalAsync(Uri uri)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None).DefaultTimeout());
        return (int)socket.HttpStatusCode;
    }

    /// <summary>Tries a handshake with extra request headers (such as Origin); returns the client, or the refusal's HTTP status.</summary>
    public static async Task<(ChatTestClient? Client, int Status)> TryConnectAsync(Uri uri, IReadOnlyDictionary<string, string>? headers = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            socket.Options.SetRequestHeader(name, value);
        }

        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None).DefaultTimeout();
            return (new ChatTestClient(socket), (int)socket.HttpStatusCode);
        }
        catch (WebSocketException)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }
    }

    public override async Task<int?> ClosedByServerAsync() => (int?)await Closed.DefaultTimeout();

    /// <summary>
    /// Gets or sets a value indicating whether <c>message</c> frames sent with <see cref="SendAsync"/> carry <c>seq</c>
    /// (1, 2, 3, …), as a client of the AWS host numbers them to keep their order (docs/protocol.md). Other frames,
    /// and text that is not a JSON object, go as they are.
    /// </summary>
    public bool NumberFrames { get; set; }

    private long _seq;

    public override Task SendAsync(string json)
    {
        if (NumberFrames && IsMessageFrame(json))
        {
            json = $"{{\"seq\":{Interlocked.Increment(ref _seq)},{json.TrimStart()[1..]}";
        }

        return SendRawAsync(Encoding.UTF8.GetBytes(json));
    }

    public override Task SendRawAsync(ReadOnlyMemory<byte> bytes) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).AsTask().DefaultTimeout();

    public override Task SendBinaryAsync(ReadOnlyMemory<byte> bytes) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).AsTask().DefaultTimeout();

    private static bool IsMessageFrame(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("action", out var action)
                && action.ValueKind == JsonValueKind.String
                && action.GetString() == "message";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public async Task SendFragmentedAsync(byte[] bytes, int fragmentSize)
    {
        for (var offset = 0; offset < bytes.Length; offset += fragmentSize)
        {
            var count = Math.Min(fragmentSize, bytes.Length - offset);
            await _socket.SendAsync(bytes.AsMemory(offset, count), WebSocketMessageType.Text, offset + count >= bytes.Length, CancellationToken.None).DefaultTimeout();
        }
    }

    public override async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).DefaultTimeout();
        }

        await _receiveLoop.DefaultTimeout();
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await CloseAsync();
            }
        }
        catch (Exception) when (_socket.State != WebSocketState.Open)
        {
        }

        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    using var doc = JsonDocument.Parse(message.ToArray());
                    Frames.Writer.TryWrite(doc.RootElement.Clone());
                    message.SetLength(0);
                }
            }
        }
        catch (WebSocketException)
        {
            _closed.TrySetResult(null);
        }
        finally
        {
            Frames.Writer.TryComplete();
        }
    }
}
