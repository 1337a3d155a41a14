using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamChat.Core.Connections;
using StreamChat.Core.Identity;

namespace StreamChat.Redis.Internal;

/// <summary>
/// Connections and presence in Redis, shared by every node. Each node holds a lease per stream it has connections in,
/// renewed by a heartbeat; readers count only connections on nodes whose lease holds, so a node that dies without
/// goodbye leaves presence within <see cref="RedisScaleOutOptions.PresenceTimeout"/>, and the next heartbeat of any
/// node deletes what it left. The node's own connections are also kept here (a reference each): lookups of them need
/// no round trip, and after an outage the heartbeat registers again whatever Redis lost.
/// </summary>
internal sealed partial class RedisConnectionStore : IConnectionStore, IAsyncDisposable, IDisposable
{
    private const int ReapBatch = 10;

    private readonly RedisConnection _redis;
    private readonly RedisKeys _keys;
    private readonly RedisScaleOutOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ChatConnection> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ChatConnection>> _localStreams = new(StringComparer.Ordinal);

    // Guards changes to _localStreams' membership (connects, disconnects, the heartbeat's pruning), never reads.
    private readonly object _indexGate = new();
    private readonly ConcurrentQueue<string> _pendingRemovals = new();
    private readonly SemaphoreSlim _heartbeatGate = new(1, 1);
    private ITimer? _heartbeat;
    private int _disposed;

    public RedisConnectionStore(RedisConnection redis, IOptions<RedisScaleOutOptions> options, TimeProvider time, ILogger<RedisConnectionStore> logger)
    {
        _redis = redis;
        _keys = redis.Keys;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _redis.Restored += () => HeartbeatAsync(CancellationToken.None);
    }

    private string Node => _redis.NodeId;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private long LeaseUntil => Now + (long)_options.PresenceTimeout.TotalMilliseconds;

    /// <summary>Gets how many connections this node holds (for tests and metrics).</summary>
    public int LocalCount => _local.Count;

    public async Task<bool> AddAsync(ChatConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        EnsureHeartbeat();
        var added = await AddToRedisAsync(connection, cancellationToken).ConfigureAwait(false);
        if (added && _local.TryAdd(connection.ConnectionId, connection))
        {
            lock (_indexGate)
            {
                _localStreams.GetOrAdd(connection.StreamId, static _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;
            }
        }

        return added;
    }

    public async Task<ChatConnection?> RemoveAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var local = ForgetLocal(connectionId);
        RedisResult result;
        try
        {
            result = await _redis.RunAsync(
                "connection.remove",
                db => db.ScriptEvaluateAsync(RedisScripts.ConnectionRemove, [_keys.Connection(connectionId)], [_keys.Prefix, connectionId]),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // The removal is written when Redis is back; meanwhile the connection is gone from this node.
            _pendingRemovals.Enqueue(connectionId);
            return local;
        }

        return result.IsNull ? local : Parse(connectionId, (RedisResult[])result!, 0);
    }

    public async Task<ChatConnection?> GetAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        if (_local.TryGetValue(connectionId, out var local))
        {
            return local;
        }

        return await ReadAsync(connectionId, cancellationToken).ConfigureAwait(false) is { } fields ? Parse(connectionId, fields, 0) : null;
    }

    public async Task<IReadOnlyList<ChatConnection>> GetByStreamAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        try
        {
            var result = await StreamScriptAsync(streamId, "all", cancellationToken).ConfigureAwait(false);
            return ParseGroups((RedisResult[])result!);
        }
        catch (RedisUnavailableException)
        {
            return LocalOf(streamId, userId: null);
        }
    }

    public async Task<int> CountAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        try
        {
            return (int)await StreamScriptAsync(streamId, "count", cancellationToken).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            return _localStreams.TryGetValue(streamId, out var held) ? held.Count : 0;
        }
    }

    public async Task<IReadOnlyList<string>> GetConnectionIdsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        try
        {
            var result = (RedisResult[])(await StreamScriptAsync(streamId, "ids", cancellationToken).ConfigureAwait(false))!;
            var ids = new string[result.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = (string)result[i]!;
            }

            return ids;
        }
        catch (RedisUnavailableException)
        {
            return LocalOf(streamId, userId: null).Select(static c => c.ConnectionId).ToArray();
        }
    }

    public async Task<IReadOnlyList<ChatConnection>> GetByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        try
        {
            var result = await UserScriptAsync(streamId, userId, "all", cancellationToken).ConfigureAwait(false);
            return ParseGroups(result);
        }
        catch (RedisUnavailableException)
        {
            return LocalOf(streamId, userId);
        }
    }

    /// <summary>The nodes (other than none) holding a user's live connections in a stream, for the broadcaster.</summary>
    public async Task<IReadOnlyList<string>> GetNodesOfUserAsync(string streamId, string userId, CancellationToken cancellationToken)
    {
        var result = await UserScriptAsync(streamId, userId, "nodes", cancellationToken).ConfigureAwait(false);
        return result.Select(static r => (string)r!).ToArray();
    }

    /// <summary>The node holding a live connection, or <see langword="null"/>; for the broadcaster.</summary>
    public async Task<string?> GetNodeOfAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (_local.ContainsKey(connectionId))
        {
            return Node;
        }

        return await ReadAsync(connectionId, cancellationToken).ConfigureAwait(false) is { } fields ? (string?)fields[5] : null;
    }

    /// <summary>
    /// Renews this node's leases, registers again any of its connections Redis lost, writes removals that failed while
    /// Redis was unreachable, and reaps nodes whose lease ended. Runs every heartbeat interval and after an outage.
    /// </summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        if (!await _heartbeatGate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            while (_pendingRemovals.TryPeek(out var id))
            {
                await _redis.RunAsync(
                    "connection.remove",
                    db => db.ScriptEvaluateAsync(RedisScripts.ConnectionRemove, [_keys.Connection(id)], [_keys.Prefix, id]),
                    cancellationToken).ConfigureAwait(false);
                _pendingRemovals.TryDequeue(out _);
            }

            var streams = _localStreams.Where(static p => !p.Value.IsEmpty).Select(static p => p.Key).ToArray();
            var args = new RedisValue[3 + streams.Length];
            args[0] = _keys.Prefix;
            args[1] = Node;
            args[2] = LeaseUntil;
            for (var i = 0; i < streams.Length; i++)
            {
                args[3 + i] = RedisKeys.Stream(streams[i]);
            }

            var known = (RedisResult[])(await _redis.RunAsync("presence.heartbeat", db => db.ScriptEvaluateAsync(RedisScripts.Heartbeat, values: args), cancellationToken).ConfigureAwait(false))!;
            for (var i = 0; i < streams.Length; i++)
            {
                var held = LocalOf(streams[i], userId: null);
                if ((int)known[i] < held.Length)
                {
                    Log.Reregistering(_logger, Node, streams[i], held.Length - (int)known[i]);
                    foreach (var connection in held)
                    {
                        await AddToRedisAsync(connection, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var reaped = (int)await _redis.RunAsync(
                "presence.reap",
                db => db.ScriptEvaluateAsync(RedisScripts.ReapDeadNodes, values: [_keys.Prefix, Now, ReapBatch]),
                cancellationToken).ConfigureAwait(false);
            if (reaped > 0)
            {
                Log.Reaped(_logger, Node, reaped);
            }
        }
        finally
        {
            _heartbeatGate.Release();
        }
    }

    /// <summary>Stops the heartbeat (a synchronous container dispose; the async one waits for a running beat).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _heartbeat?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        _heartbeatGate.Dispose();
    }

    /// <summary>A connection's stored fields while its node's lease holds, else <see langword="null"/>.</summary>
    private async Task<RedisResult[]?> ReadAsync(string connectionId, CancellationToken cancellationToken)
    {
        var result = await _redis.RunAsync(
            "connection.get",
            db => db.ScriptEvaluateAsync(RedisScripts.ConnectionGet, [_keys.Connection(connectionId)], [_keys.Prefix, Now]),
            cancellationToken).ConfigureAwait(false);
        return result.IsNull ? null : (RedisResult[])result!;
    }

    private async Task<bool> AddToRedisAsync(ChatConnection connection, CancellationToken cancellationToken)
    {
        var stream = RedisKeys.Stream(connection.StreamId);
        var lease = LeaseUntil;
        var added = await _redis.RunAsync(
            "connection.add",
            db => db.ScriptEvaluateAsync(
                RedisScripts.ConnectionAdd,
                [
                    _keys.Connection(connection.ConnectionId), _keys.StreamNode(connection.StreamId, Node), _keys.StreamUser(connection.StreamId, connection.UserId),
                    _keys.StreamLeases(connection.StreamId), _keys.NodeLeases, _keys.NodeStreams(Node),
                ],
                [
                    connection.ConnectionId, stream, connection.UserId, connection.Username, connection.ConnectedAt.ToUnixTimeMilliseconds(),
                    (int)connection.Role, Node, lease,
                ]),
            cancellationToken).ConfigureAwait(false);
        return (int)added == 1;
    }

    private Task<RedisResult> StreamScriptAsync(string streamId, string mode, CancellationToken cancellationToken) =>
        _redis.RunAsync(
            "connection.stream",
            db => db.ScriptEvaluateAsync(RedisScripts.ConnectionsOfStream, values: [_keys.Prefix, RedisKeys.Stream(streamId), Now, mode]),
            cancellationToken);

    private async Task<RedisResult[]> UserScriptAsync(string streamId, string userId, string mode, CancellationToken cancellationToken)
    {
        var result = await _redis.RunAsync(
            "connection.user",
            db => db.ScriptEvaluateAsync(RedisScripts.ConnectionsOfUser, [_keys.StreamUser(streamId, userId)], [_keys.Prefix, RedisKeys.Stream(streamId), Now, mode]),
            cancellationToken).ConfigureAwait(false);
        return (RedisResult[])result!;
    }

    private ChatConnection? ForgetLocal(string connectionId)
    {
        if (!_local.TryRemove(connectionId, out var connection))
        {
            return null;
        }

        lock (_indexGate)
        {
            if (_localStreams.TryGetValue(connection.StreamId, out var held) && held.TryRemove(connectionId, out _) && held.IsEmpty)
            {
                _localStreams.TryRemove(connection.StreamId, out _);
            }
        }

        return connection;
    }

    private ChatConnection[] LocalOf(string streamId, string? userId) => _localStreams.TryGetValue(streamId, out var held)
        ? held.Values.Where(c => userId is null || string.Equals(c.UserId, userId, StringComparison.Ordinal)).ToArray()
        : [];

    private void EnsureHeartbeat()
    {
        if (Volatile.Read(ref _heartbeat) is not null || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var timer = _time.CreateTimer(static state => _ = ((RedisConnectionStore)state!).BeatAsync(), this, _options.HeartbeatInterval, _options.HeartbeatInterval);
        if (Interlocked.CompareExchange(ref _heartbeat, timer, null) is not null)
        {
            timer.Dispose();
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            await HeartbeatAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // Reported once by the connection; the next beat tries again.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // A timer callback must never throw; the failure is logged and the next beat retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HeartbeatFailed(_logger, Node, ex);
        }
    }

    private static List<ChatConnection> ParseGroups(RedisResult[] flat)
    {
        var connections = new List<ChatConnection>(flat.Length / 7);
        for (var i = 0; i + 6 < flat.Length; i += 7)
        {
            connections.Add(Parse((string)flat[i]!, flat, i + 1));
        }

        return connections;
    }

    // Fields at offset: stream key part, user, name, connectedAt, role, node.
    private static ChatConnection Parse(string connectionId, RedisResult[] f, int offset)
    {
        var stream = (string)f[offset]!;
        return new ChatConnection(
            connectionId,
            stream[(stream.IndexOf(':', StringComparison.Ordinal) + 1)..],
            (string)f[offset + 1]!,
            (string)f[offset + 2]!,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)f[offset + 3]!, CultureInfo.InvariantCulture)),
            (ChatRole)int.Parse((string)f[offset + 4]!, CultureInfo.InvariantCulture));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Node {NodeId}: Redis had lost {Missing} of this node's connections in stream {StreamId}; registering them again.", EventName = "PresenceReregistered")]
        public static partial void Reregistering(ILogger logger, string nodeId, string streamId, int missing);

        [LoggerMessage(2, LogLevel.Information, "Node {NodeId} removed what {Count} dead node(s) left in presence.", EventName = "PresenceReaped")]
        public static partial void Reaped(ILogger logger, string nodeId, int count);

        [LoggerMessage(3, LogLevel.Warning, "Node {NodeId}: the presence heartbeat failed; the next one tries again.", EventName = "PresenceHeartbeatFailed")]
        public static partial void HeartbeatFailed(ILogger logger, string nodeId, Exception exception);
    }
}
