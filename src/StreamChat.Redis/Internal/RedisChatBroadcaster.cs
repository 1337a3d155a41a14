using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StreamChat.AspNetCore.Connections;
using StreamChat.Core.Broadcasting;

namespace StreamChat.Redis.Internal;

/// <summary>
/// Delivery across nodes. Each node delivers to its own sockets through the broadcaster the host registered, and asks
/// the host's <see cref="LocalConnectionRegistry"/> which sockets are here; this one adds Redis pub/sub around it. A
/// stream broadcast is delivered locally at once and published once, serialized once, on the stream's channel, which a node subscribes to only while it holds
/// connections in that stream. A send to one connection or to one user's connections goes to the node that holds
/// them, on that node's own channel, or skips Redis when the connection is here. One sender's frames are published
/// in order on one multiplexer and read in order from each channel, so every node sees them in the order sent.
/// Gone connections are cleaned up on the node that owns them, by its socket's own close.
/// </summary>
internal sealed partial class RedisChatBroadcaster : IChatBroadcaster, IAsyncDisposable, IDisposable
{
    private readonly IChatBroadcaster _local;
    private readonly RedisConnection _redis;
    private readonly RedisConnectionStore _connections;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;
    private readonly Counter<long> _publishes;
    private readonly UpDownCounter<long> _subscriptions;
    private readonly LocalConnectionRegistry _registry;
    private readonly Dictionary<string, StreamSubscription> _streams = new(StringComparer.Ordinal);
    private readonly object _streamsGate = new();
    private readonly SemaphoreSlim _nodeGate = new(1, 1);
    private ChannelMessageQueue? _nodeQueue;

    public RedisChatBroadcaster(IChatBroadcaster local, LocalConnectionRegistry registry, RedisConnection redis, RedisConnectionStore connections, ILogger<RedisChatBroadcaster> logger)
    {
        _local = local;
        _registry = registry;
        _redis = redis;
        _connections = connections;
        _keys = redis.Keys;
        _logger = logger;
        _publishes = redis.Meter.CreateCounter<long>("streamchat.redis.publishes", "{publish}", "Frames published to Redis for other nodes, by kind.");
        _subscriptions = redis.Meter.CreateUpDownCounter<long>("streamchat.redis.subscriptions", "{channel}", "Redis channels this node listens on (its streams and its own).");
        _redis.Restored += ResubscribeAsync;
    }

    private string Node => _redis.NodeId;

    public async Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        var result = await _local.SendToStreamAsync(streamId, frame, exceptConnectionId, cancellationToken).ConfigureAwait(false);
        await PublishAsync(_keys.StreamChannel(streamId), BusMessage.Encode(BusKind.Stream, Node, exceptConnectionId ?? string.Empty, string.Empty, 0, frame.Span), "stream").ConfigureAwait(false);
        return result;
    }

    public async Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (_registry.Find(connectionId) is not null)
        {
            return await _local.SendToConnectionAsync(connectionId, frame, cancellationToken).ConfigureAwait(false);
        }

        var node = await NodeOfAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (node is null || node == Node)
        {
            return new BroadcastResult(0, [connectionId]);
        }

        await PublishAsync(_keys.NodeChannel(node), BusMessage.Encode(BusKind.Connection, Node, connectionId, string.Empty, 0, frame.Span), "connection").ConfigureAwait(false);
        return new BroadcastResult(1);
    }

    public async Task<BroadcastResult> SendToUserAsync(string streamId, string userId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(userId);
        var result = await _local.SendToUserAsync(streamId, userId, frame, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> nodes;
        try
        {
            nodes = await _connections.GetNodesOfUserAsync(streamId, userId, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            return result;
        }

        byte[]? payload = null;
        var remote = 0;
        foreach (var node in nodes)
        {
            if (node != Node)
            {
                payload ??= BusMessage.Encode(BusKind.User, Node, streamId, userId, 0, frame.Span);
                await PublishAsync(_keys.NodeChannel(node), payload, "user").ConfigureAwait(false);
                remote++;
            }
        }

        return new BroadcastResult(result.Delivered + remote, result.GoneConnectionIds);
    }

    public async Task<bool> CloseConnectionAsync(string connectionId, int closeCode, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(reason);
        if (_registry.Find(connectionId) is not null)
        {
            return await _local.CloseConnectionAsync(connectionId, closeCode, reason, cancellationToken).ConfigureAwait(false);
        }

        var node = await NodeOfAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (node is null || node == Node)
        {
            return false;
        }

        await PublishAsync(_keys.NodeChannel(node), BusMessage.Encode(BusKind.Close, Node, connectionId, reason, closeCode, default), "close").ConfigureAwait(false);
        return true;
    }

    public async Task<IAsyncDisposable> RegisterAsync(ILocalChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await EnsureNodeChannelAsync().ConfigureAwait(false);
        var inner = await _local.RegisterAsync(connection).ConfigureAwait(false);
        await AcquireStreamAsync(connection.StreamId).ConfigureAwait(false);
        return new Registration(this, connection, inner);
    }

    /// <summary>A synchronous container dispose: the subscriptions end with the multiplexer.</summary>
    public void Dispose() => _redis.Restored -= ResubscribeAsync;

    public async ValueTask DisposeAsync()
    {
        _redis.Restored -= ResubscribeAsync;
        StreamSubscription[] streams;
        lock (_streamsGate)
        {
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var stream in streams)
        {
            await UnsubscribeAsync(stream).ConfigureAwait(false);
        }

        if (_nodeQueue is { } queue)
        {
            await UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
        }
    }

    private async Task<string?> NodeOfAsync(string connectionId, CancellationToken cancellationToken)
    {
        try
        {
            return await _connections.GetNodeOfAsync(connectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            return null;
        }
    }

    private async Task PublishAsync(RedisChannel channel, byte[] payload, string kind)
    {
        try
        {
            await _redis.RunAsync("publish", m => m.GetSubscriber().PublishAsync(channel, payload), CancellationToken.None).ConfigureAwait(false);
            _publishes.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
        catch (RedisUnavailableException)
        {
            // Local delivery has happened; other nodes miss this frame (docs/scale-out.md). Counted and logged by the connection.
        }
    }

    private async Task EnsureNodeChannelAsync()
    {
        if (Volatile.Read(ref _nodeQueue) is not null)
        {
            return;
        }

        await _nodeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_nodeQueue is null)
            {
                var queue = await SubscribeAsync(_keys.NodeChannel(Node)).ConfigureAwait(false);
                queue?.OnMessage(OnNodeMessageAsync);
                Volatile.Write(ref _nodeQueue, queue);
            }
        }
        finally
        {
            _nodeGate.Release();
        }
    }

    private async Task AcquireStreamAsync(string streamId)
    {
        StreamSubscription subscription;
        lock (_streamsGate)
        {
            if (!_streams.TryGetValue(streamId, out subscription!))
            {
                subscription = new StreamSubscription(streamId);
                _streams[streamId] = subscription;
                subscription.Subscribing = SubscribeStreamAsync(subscription);
            }

            subscription.Count++;
        }

        await subscription.Subscribing.ConfigureAwait(false);
    }

    private async Task ReleaseStreamAsync(string streamId)
    {
        StreamSubscription? retired = null;
        lock (_streamsGate)
        {
            if (_streams.TryGetValue(streamId, out var subscription) && --subscription.Count == 0)
            {
                _streams.Remove(streamId);
                retired = subscription;
            }
        }

        if (retired is not null)
        {
            await UnsubscribeAsync(retired).ConfigureAwait(false);
        }
    }

    private async Task SubscribeStreamAsync(StreamSubscription subscription)
    {
        var queue = await SubscribeAsync(_keys.StreamChannel(subscription.StreamId)).ConfigureAwait(false);
        if (queue is null)
        {
            return;
        }

        var streamId = subscription.StreamId;
        queue.OnMessage(message => OnStreamMessageAsync(streamId, message));
        subscription.Queue = queue;
    }

    private async Task UnsubscribeAsync(StreamSubscription subscription)
    {
        await subscription.Subscribing.ConfigureAwait(false);
        if (subscription.Queue is { } queue)
        {
            await UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
        }
    }

    private async Task UnsubscribeQuietlyAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            // The server drops a dead connection's subscriptions itself.
        }
        finally
        {
            _subscriptions.Add(-1);
        }
    }

    /// <summary>Subscribes; <see langword="null"/> when Redis is unreachable (the subscription is made when it is back).</summary>
    private async Task<ChannelMessageQueue?> SubscribeAsync(RedisChannel channel)
    {
        try
        {
            var queue = await _redis.RunAsync("subscribe", m => m.GetSubscriber().SubscribeAsync(channel), CancellationToken.None).ConfigureAwait(false);
            _subscriptions.Add(1);
            return queue;
        }
        catch (RedisUnavailableException)
        {
            return null;
        }
    }

    /// <summary>
    /// After an outage: channels the node could not subscribe to while Redis was down are subscribed now (the
    /// multiplexer restores those it had by itself).
    /// </summary>
    private async Task ResubscribeAsync()
    {
        if (Volatile.Read(ref _nodeQueue) is null && _registry.Count > 0)
        {
            await EnsureNodeChannelAsync().ConfigureAwait(false);
        }

        StreamSubscription[] missing;
        lock (_streamsGate)
        {
            missing = _streams.Values.Where(static s => s.Queue is null && s.Subscribing.IsCompleted).ToArray();
            foreach (var subscription in missing)
            {
                subscription.Subscribing = SubscribeStreamAsync(subscription);
            }
        }

        foreach (var subscription in missing)
        {
            await subscription.Subscribing.ConfigureAwait(false);
        }
    }

    private async Task OnStreamMessageAsync(string streamId, ChannelMessage message)
    {
        if (!BusMessage.TryDecode((byte[])message.Message!, out var bus) || bus.Kind != BusKind.Stream)
        {
            Log.BadMessage(_logger, message.Channel.ToString());
            return;
        }

        if (bus.Origin == Node)
        {
            return;
        }

        await _local.SendToStreamAsync(streamId, bus.Frame, bus.First.Length == 0 ? null : bus.First).ConfigureAwait(false);
    }

    private async Task OnNodeMessageAsync(ChannelMessage message)
    {
        if (!BusMessage.TryDecode((byte[])message.Message!, out var bus))
        {
            Log.BadMessage(_logger, message.Channel.ToString());
            return;
        }

        switch (bus.Kind)
        {
            case BusKind.Connection:
                await _local.SendToConnectionAsync(bus.First, bus.Frame).ConfigureAwait(false);
                break;
            case BusKind.User:
                await _local.SendToUserAsync(bus.First, bus.Second, bus.Frame).ConfigureAwait(false);
                break;
            case BusKind.Close:
                await _local.CloseConnectionAsync(bus.First, bus.Code, bus.Second).ConfigureAwait(false);
                break;
            default:
                Log.BadMessage(_logger, message.Channel.ToString());
                break;
        }
    }

    private async ValueTask UnregisterAsync(ILocalChatConnection connection, IAsyncDisposable inner)
    {
        // The registration runs this once (its own flag), so each socket releases its stream once.
        await inner.DisposeAsync().ConfigureAwait(false);
        await ReleaseStreamAsync(connection.StreamId).ConfigureAwait(false);
    }

    private sealed class StreamSubscription(string streamId)
    {
        public string StreamId { get; } = streamId;

        public int Count { get; set; }

        public Task Subscribing { get; set; } = Task.CompletedTask;

        public ChannelMessageQueue? Queue { get; set; }
    }

    private sealed class Registration(RedisChatBroadcaster owner, ILocalChatConnection connection, IAsyncDisposable inner) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? owner.UnregisterAsync(connection, inner) : ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Ignored a message on Redis channel {Channel} that is not a StreamChat frame (another app using the same key prefix?).", EventName = "RedisBadMessage")]
        public static partial void BadMessage(ILogger logger, string channel);
    }
}
