using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using StreamChat.AspNetCore.Internal;

namespace StreamChat.Benchmarks;

/// <summary>
/// The Kestrel host's broadcast path for one stream of 1,000 in-memory recipients: the frame, serialized once, is
/// queued to every connection, and each connection's send pump writes it through a real server-side WebSocket (over a
/// stream that counts and discards the bytes). One operation is one broadcast, measured until all 1,000 frames
/// were written.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class BroadcastBenchmarks
{
    private const int Recipients = 1_000;
    private readonly byte[] _frame = """{"type":"message","timestamp":"2026-11-25T18:00:00.123Z","messageId":"01JDX3Q5Z8K9M2N4P6R8T0V2W4","streamId":"live-42","userId":"ana","username":"Ana","message":"Hello everyone! Great stream today"}"""u8.ToArray();
    private LocalChatBroadcaster _broadcaster = null!;
    private long[] _writes = [];
    private WebSocketChatConnection[] _connections = [];

    [GlobalSetup]
    public void Setup()
    {
        _broadcaster = new LocalChatBroadcaster(new StreamChat.AspNetCore.Connections.LocalConnectionRegistry());
        _writes = new long[Recipients];
        _connections = new WebSocketChatConnection[Recipients];
        var scheduler = new SendPumpScheduler();
        for (var i = 0; i < Recipients; i++)
        {
            var socket = WebSocket.CreateFromStream(new CountingStream(_writes, i), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            _connections[i] = new WebSocketChatConnection("c" + i, "live-42", "u" + i, socket, new StreamChat.AspNetCore.StreamChatWebSocketOptions { SendQueueCapacity = 1024, CloseTimeout = TimeSpan.FromSeconds(1) }, scheduler, NullLogger.Instance);
            _ = _broadcaster.RegisterAsync(_connections[i]).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var connection in _connections)
        {
            connection.Abort();
            connection.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = 1)]
    public async Task BroadcastTo1000Recipients()
    {
        var target = Volatile.Read(ref _writes[^1]) + 1;
        var result = await _broadcaster.SendToStreamAsync("live-42", _frame);
        if (result.Delivered != Recipients)
        {
            throw new InvalidOperationException($"Queued to {result.Delivered} connections.");
        }

        // Done when every writer has sent the frame.
        for (var i = 0; i < _writes.Length; i++)
        {
            while (Volatile.Read(ref _writes[i]) < target)
            {
                await Task.Yield();
            }
        }
    }

    private sealed class CountingStream(long[] writes, int index) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }

        // ManagedWebSocket flushes after each message. Stream's default FlushAsync runs Flush on the thread pool; Kestrel's
        // upgraded stream completes at once while its output pipe has room, so this does too.
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Interlocked.Increment(ref writes[index]);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref writes[index]);
            return default;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => 0, TaskScheduler.Default);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(ReadAsync(Array.Empty<byte>(), 0, 0, cancellationToken));
    }
}
