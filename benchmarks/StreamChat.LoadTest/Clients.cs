using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace StreamChat.LoadTest;

/// <summary>One chat connection of the load: it joins a stream, can publish, and reports what it receives.</summary>
internal abstract class ChatClient : IAsyncDisposable
{
    protected ChatClient(string streamId, Recorder recorder)
    {
        StreamId = streamId;
        Recorder = recorder;
    }

    public string StreamId { get; }

    protected Recorder Recorder { get; }

    public abstract Task ConnectAsync(Uri url, string userId, CancellationToken cancellationToken);

    /// <summary>Gets a value indicating whether the connection is still open (the soak counts the ones it holds).</summary>
    public abstract bool IsOpen { get; }

    public abstract Task PublishAsync(string text);

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// A client for the target: StreamChat's protocol (StreamChat and the floor server), SignalR's JSON hub protocol
    /// over a raw WebSocket scanned the same cheap way (<c>signalr</c>), or SignalR's own .NET client
    /// (<c>signalr-client</c>), which costs the tool far more CPU per received message.
    /// </summary>
    public static ChatClient Create(string target, string streamId, Recorder recorder) => target switch
    {
        "signalr" => new RawSignalRChatClient(streamId, recorder),
        "signalr-client" => new SignalRChatClient(streamId, recorder),
        _ => new StreamChatClient(streamId, recorder),
    };
}

/// <summary>
/// A client over a raw <see cref="ClientWebSocket"/>: whole WebSocket messages are handed to <see cref="OnMessage"/> as
/// bytes, to be scanned, not deserialized, so the tool costs the same per message whichever protocol it speaks.
/// </summary>
internal abstract class RawWebSocketChatClient(string streamId, Recorder recorder) : ChatClient(streamId, recorder)
{
    /// <summary>Records the delivery of a chat message whose text follows <paramref name="marker"/>: its send time is the first word.</summary>
    protected void RecordDelivery(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> marker, long now)
    {
        var at = frame.IndexOf(marker);
        if (at >= 0)
        {
            var token = frame[(at + marker.Length)..];
            var end = token.IndexOf((byte)' ');
            Recorder.Delivered(SendTime.Decode(token[..(end < 0 ? 0 : end)]), now);
        }
    }

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task? _receive;

    public override bool IsOpen => Socket.State == WebSocketState.Open;

    protected ClientWebSocket Socket { get; } = new();

    protected async Task OpenAsync(Uri uri, CancellationToken cancellationToken)
    {
        await Socket.ConnectAsync(uri, cancellationToken);
        _receive = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    protected async Task SendAsync(byte[] bytes)
    {
        await _sendLock.WaitAsync();
        try
        {
            await Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>One whole WebSocket message as received.</summary>
    protected abstract void OnMessage(ReadOnlySpan<byte> message);

    /// <summary>Called once when the receive loop ends, for whatever reason.</summary>
    protected virtual void OnReceiveEnded()
    {
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (Socket.State == WebSocketState.Open)
            {
                var result = await Socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    if (length == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    continue;
                }

                OnMessage(buffer.AsSpan(0, length));
                length = 0;
            }
        }
        catch (WebSocketException) when (Recorder.Stopping)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            Recorder.Error("receive: " + ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            OnReceiveEnded();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        if (_receive is not null)
        {
            await Task.WhenAny(_receive, Task.Delay(5000));
        }

        Socket.Dispose();
        _sendLock.Dispose();
    }
}

/// <summary>StreamChat's protocol over a raw WebSocket (also the floor server's); frames are scanned, not deserialized.</summary>
internal sealed class StreamChatClient(string streamId, Recorder recorder) : RawWebSocketChatClient(streamId, recorder)
{
    private static readonly byte[] MessageMarker = "\"type\":\"message\""u8.ToArray();
    private static readonly byte[] TextMarker = "\"message\":\"lt "u8.ToArray();
    private static readonly byte[] BlockedMarker = "\"type\":\"message_blocked\""u8.ToArray();
    private static readonly byte[] ErrorMarker = "\"type\":\"error\""u8.ToArray();

    public override Task ConnectAsync(Uri url, string userId, CancellationToken cancellationToken) =>
        OpenAsync(new Uri($"{url}?streamId={Uri.EscapeDataString(StreamId)}&userId={Uri.EscapeDataString(userId)}&username={Uri.EscapeDataString(userId)}"), cancellationToken);

    public override Task PublishAsync(string text) => SendAsync(Encoding.UTF8.GetBytes("{\"action\":\"message\",\"message\":\"" + text + "\"}"));

    protected override void OnMessage(ReadOnlySpan<byte> frame)
    {
        Interlocked.Increment(ref Recorder.FramesReceived);
        var now = Stopwatch.GetTimestamp();
        if (frame.IndexOf(MessageMarker) >= 0)
        {
            RecordDelivery(frame, TextMarker, now);
        }
        else if (frame.IndexOf(BlockedMarker) >= 0 || frame.IndexOf(ErrorMarker) >= 0)
        {
            Recorder.Error("server said: " + Encoding.UTF8.GetString(frame));
        }
    }
}

/// <summary>The SignalR peer's client, as its documentation shows: HubConnection, WebSockets, JSON protocol.</summary>
internal sealed class SignalRChatClient(string streamId, Recorder recorder) : ChatClient(streamId, recorder)
{
    private HubConnection? _connection;
    private volatile bool _disposing;

    public override bool IsOpen => _connection?.State == HubConnectionState.Connected;

    public override async Task ConnectAsync(Uri url, string userId, CancellationToken cancellationToken)
    {
        _connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        _connection.On<string, string>("ReceiveMessage", (_, message) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (message.StartsWith("lt ", StringComparison.Ordinal))
            {
                var end = message.IndexOf(' ', 3);
                Recorder.Delivered(SendTime.Decode(Encoding.ASCII.GetBytes(message[3..(end < 0 ? message.Length : end)])), now);
            }
        });
        _connection.Closed += ex =>
        {
            if (!Recorder.Stopping && !_disposing)
            {
                Recorder.Error("closed by the server: " + ex?.Message);
            }

            return Task.CompletedTask;
        };
        await _connection.StartAsync(cancellationToken);
        await _connection.InvokeAsync("JoinStream", StreamId, userId, cancellationToken);
    }

    public override Task PublishAsync(string text) => _connection!.SendAsync("SendMessage", text);

    public override async ValueTask DisposeAsync()
    {
        _disposing = true;
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}

/// <summary>
/// The SignalR peer through its JSON hub protocol over a raw WebSocket, with the same cheap frame scanning as
/// <see cref="StreamChatClient"/>: the handshake (<c>{"protocol":"json","version":1}</c> and its empty answer),
/// records split by the record separator 0x1E, a <c>JoinStream</c> invocation awaited for its completion, messages
/// sent as non-blocking invocations, received <c>ReceiveMessage</c> invocations scanned for the send time, and a ping
/// every 10 s so the hub's 30-second client time-out never fires.
/// </summary>
internal sealed class RawSignalRChatClient(string streamId, Recorder recorder) : RawWebSocketChatClient(streamId, recorder)
{
    private const byte RecordSeparator = 0x1E;
    private static readonly byte[] Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();
    private static readonly byte[] ReceiveMarker = "\"target\":\"ReceiveMessage\""u8.ToArray();
    private static readonly byte[] TextMarker = ",\"lt "u8.ToArray();
    private static readonly byte[] CompletionMarker = "\"type\":3"u8.ToArray();
    private static readonly byte[] CloseMarker = "\"type\":7"u8.ToArray();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<RawSignalRChatClient, byte> Open = new();
    private static int s_pinging;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task ConnectAsync(Uri url, string userId, CancellationToken cancellationToken)
    {
        await OpenAsync(new UriBuilder(url) { Scheme = url.Scheme == "https" ? "wss" : "ws" }.Uri, cancellationToken);
        await SendAsync(Handshake);
        await _handshake.Task.WaitAsync(cancellationToken);
        await SendAsync(Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"JoinStream\",\"arguments\":[\"{StreamId}\",\"{userId}\"]}}\u001e"));
        await _joined.Task.WaitAsync(cancellationToken);
        Open[this] = 0;
        if (Interlocked.Exchange(ref s_pinging, 1) == 0)
        {
            _ = Task.Run(PingLoopAsync, CancellationToken.None);
        }
    }

    public override Task PublishAsync(string text) =>
        SendAsync(Encoding.UTF8.GetBytes("{\"type\":1,\"target\":\"SendMessage\",\"arguments\":[\"" + text + "\"]}\u001e"));

    private static async Task PingLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        while (await timer.WaitForNextTickAsync())
        {
            foreach (var client in Open.Keys)
            {
                if (client.IsOpen)
                {
                    try
                    {
                        await client.SendAsync(Ping);
                    }
                    catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
                    {
                    }
                }
            }
        }
    }

    /// <summary>A WebSocket message holds one or more records, each ended by the record separator.</summary>
    protected override void OnMessage(ReadOnlySpan<byte> message)
    {
        while (message.IndexOf(RecordSeparator) is var end and >= 0)
        {
            OnRecord(message[..end]);
            message = message[(end + 1)..];
        }
    }

    protected override void OnReceiveEnded()
    {
        _handshake.TrySetException(new WebSocketException("closed before the handshake"));
        _joined.TrySetException(new WebSocketException("closed before joining"));
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        Interlocked.Increment(ref Recorder.FramesReceived);
        var now = Stopwatch.GetTimestamp();
        if (!_handshake.Task.IsCompleted)
        {
            // The handshake answer is {} or {"error":"..."}.
            if (record.Length <= 2)
            {
                _handshake.TrySetResult();
            }
            else
            {
                _handshake.TrySetException(new InvalidOperationException("handshake refused: " + Encoding.UTF8.GetString(record)));
            }

            return;
        }

        if (record.IndexOf(ReceiveMarker) >= 0)
        {
            RecordDelivery(record, TextMarker, now);
        }
        else if (record.IndexOf(CompletionMarker) >= 0)
        {
            _joined.TrySetResult();
        }
        else if (record.IndexOf(CloseMarker) >= 0 && !Recorder.Stopping)
        {
            Recorder.Error("closed by the server: " + Encoding.UTF8.GetString(record));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Open.TryRemove(this, out _);
        await base.DisposeAsync();
    }
}

/// <summary>The send time inside the message text, as consonants only (no digits, vowels or runs the moderators would judge).</summary>
internal static class SendTime
{
    private const string Alphabet = "bcdfghjklmnpqrst";

    public static string Encode(long timestamp)
    {
        Span<char> chars = stackalloc char[16];
        var i = chars.Length;
        do
        {
            chars[--i] = Alphabet[(int)(timestamp & 0xF)];
            timestamp >>= 4;
        }
        while (timestamp != 0);
        return new string(chars[i..]);
    }

    public static long Decode(ReadOnlySpan<byte> token)
    {
        long value = 0;
        foreach (var b in token)
        {
            var digit = Alphabet.IndexOf((char)b, StringComparison.Ordinal);
            if (digit < 0)
            {
                return 0;
            }

            value = (value << 4) | (uint)digit;
        }

        return value;
    }
}
