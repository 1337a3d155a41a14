using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamChat.Core.Diagnostics;

namespace StreamChat.Redis.Internal;

/// <summary>
/// The one multiplexer the Redis stores and broadcaster share, and its health: connected or not, reported once per
/// change in logs and metrics (never once per message), with a <see cref="Restored"/> event for the parts that catch
/// up after an outage (presence re-registered, pending history written).
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;
    private readonly bool _ownsMultiplexer;
    private readonly ILogger _logger;
    private readonly Meter? _ownedMeter;
    private readonly Histogram<double> _roundTrip;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _failures;
    private int _unavailable;

    public RedisConnection(IOptions<RedisScaleOutOptions> options, IServiceProvider services, ILogger<RedisConnection> logger, IMeterFactory? meterFactory = null)
    {
        var value = options.Value;
        _logger = logger;
        Keys = new RedisKeys(value.KeyPrefix);
        NodeId = value.NodeId ?? MakeNodeId();
        var registered = services.GetService(typeof(IConnectionMultiplexer)) as IConnectionMultiplexer;
        _ownsMultiplexer = registered is null;
        _multiplexer = new Lazy<Task<IConnectionMultiplexer>>(
            async () => Watch(registered ?? await ConnectAsync(value, services).ConfigureAwait(false)),
            LazyThreadSafetyMode.ExecutionAndPublication);

        _ownedMeter = meterFactory is null ? new Meter(StreamChatMeter.Name) : null;
        var meter = meterFactory?.Create(StreamChatMeter.Name) ?? _ownedMeter!;
        _roundTrip = meter.CreateHistogram<double>("streamchat.redis.round_trip", "s", "Time of one Redis command or script, as the node saw it.");
        _reconnects = meter.CreateCounter<long>("streamchat.redis.reconnects", "{reconnect}", "Times the node got its Redis connection back after losing it.");
        _failures = meter.CreateCounter<long>("streamchat.redis.failures", "{failure}", "Redis operations that failed or were skipped while Redis was unreachable, by operation.");
        meter.CreateObservableGauge(
            "streamchat.redis.available",
            () => Volatile.Read(ref _unavailable) == 0 ? 1 : 0,
            "{state}",
            "1 while this node reaches Redis, 0 during an outage: the outage as one state, not one event per message.");
        Meter = meter;
    }

    /// <summary>Raised (on a pool thread) when Redis is reachable again after an outage.</summary>
    public event Func<Task>? Restored;

    public RedisKeys Keys { get; }

    public string NodeId { get; }

    public Meter Meter { get; }

    /// <summary>
    /// Gets whether Redis is known to be unreachable (so callers fall back at once instead of waiting). A flag set by a
    /// time-out while the connection stayed up clears itself here, since no reconnect event will come for it.
    /// </summary>
    public bool IsUnavailable
    {
        get
        {
            if (Volatile.Read(ref _unavailable) == 0)
            {
                return false;
            }

            if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully && _multiplexer.Value.Result.IsConnected)
            {
                _ = OnRestoredAsync();
                return false;
            }

            return true;
        }
    }

    public Task<IConnectionMultiplexer> GetAsync() => _multiplexer.Value;

    /// <summary>Runs one command or script on the database; see the multiplexer overload.</summary>
    public Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> run, CancellationToken cancellationToken) =>
        RunAsync(operation, (IConnectionMultiplexer m) => run(m.GetDatabase()), cancellationToken);

    /// <summary>
    /// Runs one Redis operation (a command, a script, a publish or a subscribe), timing it. While Redis is known to be
    /// unreachable it fails at once; a connection failure or time-out is recorded (logged once, counted) and rethrown
    /// as <see cref="RedisUnavailableException"/>, which callers with a local fallback catch.
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, Func<IConnectionMultiplexer, Task<T>> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (IsUnavailable)
        {
            CountFailure(operation);
            throw RedisUnavailableException.For(operation, null);
        }

        var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await run(multiplexer).WaitAsync(cancellationToken).ConfigureAwait(false);
            _roundTrip.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
            return result;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            CountFailure(operation);
            MarkUnavailable(ex);
            throw RedisUnavailableException.For(operation, ex);
        }
    }

    /// <summary>Records an operation skipped or failed because Redis is unreachable.</summary>
    public void CountFailure(string operation) => _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void MarkUnavailable(Exception? exception)
    {
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Log.Unavailable(_logger, NodeId, exception);
        }
    }

    public void Dispose()
    {
        _ownedMeter?.Dispose();
        if (_ownsMultiplexer && _multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            _multiplexer.Value.Result.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ownedMeter?.Dispose();
        if (_ownsMultiplexer && _multiplexer.IsValueCreated)
        {
            try
            {
                var multiplexer = await _multiplexer.Value.ConfigureAwait(false);
                await multiplexer.CloseAsync().ConfigureAwait(false);
                multiplexer.Dispose();
            }
            catch (RedisException)
            {
                // Never connected: nothing to close.
            }
        }
    }

    private static string MakeNodeId()
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var safe = new string(id.Select(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return safe.Length <= 100 ? safe : safe[^100..];
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(RedisScaleOutOptions options, IServiceProvider services)
    {
        if (options.ConnectionFactory is { } factory)
        {
            return await factory(services).ConfigureAwait(false);
        }

        var configuration = ConfigurationOptions.Parse(options.Configuration!);

        // Nodes must start, and keep serving their sockets, while Redis is down; commands fail fast instead of queuing
        // behind a dead connection, and the multiplexer reconnects (and resubscribes) by itself.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= "streamchat";
        return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
    }

    private IConnectionMultiplexer Watch(IConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                MarkUnavailable(e.Exception);
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                _ = OnRestoredAsync();
            }
        };
        if (!multiplexer.IsConnected)
        {
            MarkUnavailable(null);
        }

        return multiplexer;
    }

    private async Task OnRestoredAsync()
    {
        if (Interlocked.Exchange(ref _unavailable, 0) == 0)
        {
            return;
        }

        _reconnects.Add(1);
        Log.Restored(_logger, NodeId);
        if (Restored is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<Task>>())
            {
                try
                {
                    await handler().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A catch-up that fails is logged; the next restore or heartbeat tries again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.CatchUpFailed(_logger, NodeId, ex);
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Redis is unreachable from node {NodeId}: local sockets are still served, new handshakes are refused, and cluster-wide state waits until it is back.", EventName = "RedisUnavailable")]
        public static partial void Unavailable(ILogger logger, string nodeId, Exception? exception);

        [LoggerMessage(2, LogLevel.Information, "Redis is reachable again from node {NodeId}: catching up presence and history.", EventName = "RedisRestored")]
        public static partial void Restored(ILogger logger, string nodeId);

        [LoggerMessage(3, LogLevel.Warning, "Catching up with Redis on node {NodeId} failed; the next heartbeat tries again.", EventName = "RedisCatchUpFailed")]
        public static partial void CatchUpFailed(ILogger logger, string nodeId, Exception exception);
    }
}
