using System.Collections.Concurrent;
using StreamChat.Core.Broadcasting;
namespace StreamChat.Core.Tests.Broadcasting;

/// <summary>
/// A local socket that records what it is sent; one that went away or was closed takes nothing more. Linked into the
/// test projects whose broadcasters deliver to sockets in this process (the local one, the Redis one).
/// </summary>
internal sealed class FakeSocket(string connectionId, string streamId, string userId) : ILocalChatConnection, ITestRecipient
{
    private readonly ConcurrentQueue<byte[]> _frames = new();
    private volatile bool _gone;
    private volatile bool _closed;

    public string ConnectionId => connectionId;

    public string StreamId => streamId;

    public string UserId => userId;

    public IReadOnlyList<byte[]> Frames => _frames.ToArray();

    public bool Closed => _closed;

    public int? CloseCode { get; private set; }

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (_gone || _closed)
        {
            return false;
        }

        _frames.Enqueue(frame.ToArray());
        return true;
    }

    public bool Close(int closeCode, string reason)
    {
        if (_gone || _closed)
        {
            return false;
        }

        CloseCode = closeCode;
        _closed = true;
        return true;
    }

    public void GoAway() => _gone = true;
}
