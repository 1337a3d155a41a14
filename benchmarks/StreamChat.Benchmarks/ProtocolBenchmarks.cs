using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Benchmarks;

/// <summary>The wire format's hot paths: reading a client frame (Utf8JsonReader, whole-frame UTF-8 check) and writing a server frame (source-generated JSON).</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ProtocolBenchmarks
{
    private readonly byte[] _message = Encoding.UTF8.GetBytes("""{"action":"message","message":"Hello everyone! Great stream today 🎉","streamId":"live-42","userId":"ana"}""");
    private readonly byte[] _ping = Encoding.UTF8.GetBytes("""{"action":"ping"}""");
    private readonly byte[] _history = Encoding.UTF8.GetBytes("""{"action":"history","limit":50}""");
    private readonly MessageFrame _frame = new()
    {
        Timestamp = "2026-11-25T18:00:00.123Z",
        MessageId = "01JDX3Q5Z8K9M2N4P6R8T0V2W4",
        StreamId = "live-42",
        UserId = "ana",
        Username = "Ana",
        Message = "Hello everyone! Great stream today 🎉",
    };

    [Benchmark]
    public bool ParseMessageFrame() => ClientFrameParser.TryParse(_message, out _);

    [Benchmark]
    public bool ParsePingFrame() => ClientFrameParser.TryParse(_ping, out _);

    [Benchmark]
    public bool ParseHistoryFrame() => ClientFrameParser.TryParse(_history, out _);

    [Benchmark]
    public byte[] SerializeMessageFrame() => JsonSerializer.SerializeToUtf8Bytes(_frame, ChatJsonContext.Default.MessageFrame);
}
