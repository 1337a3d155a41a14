using System.Buffers.Binary;
using System.Text;

namespace StreamChat.Redis.Internal;

/// <summary>What a node publishes for the others, in one buffer: the kind, length-prefixed UTF-8 fields, then the frame bytes as they go on the wire.</summary>
internal enum BusKind : byte
{
    /// <summary>To a stream's connections: origin node, except connection id (may be empty), frame.</summary>
    Stream = 1,

    /// <summary>To one connection: origin node, connection id, frame.</summary>
    Connection = 2,

    /// <summary>To one user's connections: origin node, stream id, user id, frame.</summary>
    User = 3,

    /// <summary>Close one connection: origin node, connection id, close code, reason.</summary>
    Close = 4,
}

internal readonly struct BusMessage
{
    private BusMessage(BusKind kind, string origin, string first, string second, int code, ReadOnlyMemory<byte> frame)
    {
        Kind = kind;
        Origin = origin;
        First = first;
        Second = second;
        Code = code;
        Frame = frame;
    }

    public BusKind Kind { get; }

    public string Origin { get; }

    /// <summary>Gets the except or target connection id, or the stream id.</summary>
    public string First { get; }

    /// <summary>Gets the user id, or the close reason.</summary>
    public string Second { get; }

    public int Code { get; }

    public ReadOnlyMemory<byte> Frame { get; }

    public static byte[] Encode(BusKind kind, string origin, string first, string second, int code, ReadOnlySpan<byte> frame)
    {
        var length = 1 + FieldLength(origin) + FieldLength(first) + FieldLength(second) + 4 + frame.Length;
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        span[0] = (byte)kind;
        var at = 1;
        at += WriteField(span[at..], origin);
        at += WriteField(span[at..], first);
        at += WriteField(span[at..], second);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], code);
        at += 4;
        frame.CopyTo(span[at..]);
        return buffer;
    }

    public static bool TryDecode(byte[] buffer, out BusMessage message)
    {
        message = default;
        if (buffer.Length < 1 || buffer[0] is < (byte)BusKind.Stream or > (byte)BusKind.Close)
        {
            return false;
        }

        var at = 1;
        if (!TryReadField(buffer, ref at, out var origin) || !TryReadField(buffer, ref at, out var first) || !TryReadField(buffer, ref at, out var second) || buffer.Length - at < 4)
        {
            return false;
        }

        var code = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at));
        at += 4;
        message = new BusMessage((BusKind)buffer[0], origin, first, second, code, buffer.AsMemory(at));
        return true;
    }

    private static int FieldLength(string value) => 2 + Encoding.UTF8.GetByteCount(value);

    private static int WriteField(Span<byte> span, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, span[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)written));
        return 2 + written;
    }

    private static bool TryReadField(byte[] buffer, ref int at, out string value)
    {
        value = string.Empty;
        if (buffer.Length - at < 2)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(at));
        at += 2;
        if (buffer.Length - at < length)
        {
            return false;
        }

        value = Encoding.UTF8.GetString(buffer, at, length);
        at += length;
        return true;
    }
}
