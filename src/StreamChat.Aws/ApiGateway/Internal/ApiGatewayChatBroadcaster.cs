using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;

namespace StreamChat.Aws.ApiGateway.Internal;

/// <summary>
/// Delivers frames through the API Gateway Management API. A stream broadcast reads the stream's
/// connection ids from the store (a Query on the stream index with DynamoDB) and posts the same bytes to
/// each with bounded parallelism; a send to one user reads the stream's connections and posts to theirs; a close is
/// DeleteConnection. A 410 Gone is reported so the pipeline removes that connection; any other
/// failure is logged and never fails the broadcast.
/// </summary>
internal sealed partial class ApiGatewayChatBroadcaster : IChatBroadcaster
{
    private readonly ApiGatewayManagementClient _client;
    private readonly IConnectionStore _connections;
    private readonly int _parallelism;
    private readonly ILogger _logger;

    public ApiGatewayChatBroadcaster(ApiGatewayManagementClient client, IConnectionStore connections, IOptions<ApiGatewayBroadcasterOptions> options, ILogger<ApiGatewayChatBroadcaster> logger)
    {
        _client = client;
        _connections = connections;
        _parallelism = options.Value.MaxParallelism;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var ids = await _connections.GetConnectionIdsAsync(streamId, cancellationToken).ConfigureAwait(false);
        return await PostAllAsync(ids, exceptConnectionId, frame, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var (outcome, status) = await _client.PostAsync(connectionId, frame, cancellationToken).ConfigureAwait(false);
        return Result(connectionId, outcome, status);
    }

    /// <inheritdoc />
    public async Task<BroadcastResult> SendToUserAsync(string streamId, string userId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var connections = await _connections.GetByUserAsync(streamId, userId, cancellationToken).ConfigureAwait(false);
        var ids = connections.Select(static c => c.ConnectionId).ToArray();
        return await PostAllAsync(ids, null, frame, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>DeleteConnection carries no close code or reason: API Gateway closes the socket with 1000 and runs <c>$disconnect</c>.</remarks>
    public async Task<bool> CloseConnectionAsync(string connectionId, int closeCode, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var (outcome, status) = await _client.DeleteAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (outcome == PostOutcome.Failed)
        {
            Log.DeleteFailed(_logger, connectionId, Describe(status));
        }

        return outcome == PostOutcome.Delivered;
    }

    private async Task<BroadcastResult> PostAllAsync(IReadOnlyList<string> ids, string? exceptConnectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        var delivered = 0;
        var gone = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            ids,
            new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                if (exceptConnectionId is not null && string.Equals(id, exceptConnectionId, StringComparison.Ordinal))
                {
                    return;
                }

                var (outcome, status) = await _client.PostAsync(id, frame, ct).ConfigureAwait(false);
                var result = Result(id, outcome, status);
                Interlocked.Add(ref delivered, result.Delivered);
                if (outcome == PostOutcome.Gone)
                {
                    gone.Add(id);
                }
            }).ConfigureAwait(false);

        return new BroadcastResult(delivered, gone.IsEmpty ? null : [.. gone]);
    }

    private BroadcastResult Result(string connectionId, PostOutcome outcome, System.Net.HttpStatusCode? status)
    {
        if (outcome == PostOutcome.Failed)
        {
            Log.PostFailed(_logger, connectionId, Describe(status));
        }

        return outcome switch
        {
            PostOutcome.Delivered => new BroadcastResult(1),
            PostOutcome.Gone => new BroadcastResult(0, [connectionId]),
            _ => new BroadcastResult(0),
        };
    }

    private static string Describe(System.Net.HttpStatusCode? status) =>
        status is null ? "no answer" : ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Posting to connection {ConnectionId} failed after retries ({Status}); the broadcast goes on.", EventName = "PostFailed")]
        public static partial void PostFailed(ILogger logger, string connectionId, string status);

        [LoggerMessage(2, LogLevel.Warning, "Deleting connection {ConnectionId} failed after retries ({Status}).", EventName = "DeleteFailed")]
        public static partial void DeleteFailed(ILogger logger, string connectionId, string status);
    }
}
