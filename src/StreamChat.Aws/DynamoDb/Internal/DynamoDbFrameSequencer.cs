using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Connections;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// One sender's order on the Lambda host. API Gateway invokes Lambda for a connection's messages without waiting for
/// the previous invocation, and Lambda runs them in whatever sandboxes it has, so a client's frames can be handled out
/// of the order it sent them. A client that numbers its frames (<c>seq</c>) gets them handled in its order: a frame
/// waits until the connection's next expected number (one item per connection in the counters table,
/// <see cref="DynamoDbStoreOptions.RateLimitsTableName"/>, keyed <c>seq:CONNECTION</c>) reaches its own, and a handled
/// frame raises it with a conditional write that never lowers it.
/// </summary>
/// <remarks>
/// In order, a numbered frame costs one strongly consistent GetItem (frame 1 none) and one UpdateItem; out of order,
/// one GetItem per poll while it waits (5 ms, doubling to 100 ms) up to <see cref="StreamChatOptions.MaxFrameOrderWait"/>.
/// The item expires a day after its last frame, long after API Gateway's two-hour connection limit.
/// </remarks>
internal sealed partial class DynamoDbFrameSequencer : IFrameSequencer
{
    private const string Next = "next";
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ItemTimeToLive = TimeSpan.FromDays(1);

    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly StreamChatOptions _chat;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DynamoDbFrameSequencer(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, IOptions<StreamChatOptions> chat, TimeProvider time, ILogger<DynamoDbFrameSequencer> logger)
    {
        _logger = logger;
        _db = db;
        _options = options.Value;
        _chat = chat.Value;
        _time = time;
    }

    private string Table => _options.RateLimitsTableName;

    /// <inheritdoc />
    public async ValueTask<bool> WaitForTurnAsync(string connectionId, long sequence, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        if (sequence <= 1)
        {
            return true;
        }

        var started = _time.GetTimestamp();
        var poll = FirstPoll;
        while (true)
        {
            if (sequence <= await NextAsync(connectionId, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            var left = _chat.MaxFrameOrderWait - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                Log.WaitExpired(_logger, connectionId, sequence);
                return false;
            }

            await Task.Delay(poll < left ? poll : left, _time, cancellationToken).ConfigureAwait(false);
            poll = poll * 2 < LongestPoll ? poll * 2 : LongestPoll;
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(string connectionId, long sequence, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var request = new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(connectionId),
            UpdateExpression = "SET #n = :next, #ttl = :ttl",
            ConditionExpression = "attribute_not_exists(#n) OR #n < :next",
            ExpressionAttributeNames = new() { ["#n"] = Next, ["#ttl"] = K.Ttl },
            ExpressionAttributeValues = new()
            {
                [":next"] = N(sequence + 1),
                [":ttl"] = N((_time.GetUtcNow() + ItemTimeToLive).ToUnixTimeSeconds()),
            },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        try
        {
            await _db.RunAsync("UpdateItem", Table, (c, ct) => c.UpdateItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // A later frame went ahead first (its wait ran out); the expected number never goes back.
        }
    }

    private async Task<long> NextAsync(string connectionId, CancellationToken cancellationToken)
    {
        var request = new GetItemRequest
        {
            TableName = Table,
            Key = Key(connectionId),
            ConsistentRead = true,
            ProjectionExpression = "#n",
            ExpressionAttributeNames = new() { ["#n"] = Next },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        var response = await _db.RunAsync("GetItem", Table, (c, ct) => c.GetItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item && item.ContainsKey(Next) ? item.GetNumber(Next) : 1;
    }

    private static Dictionary<string, AttributeValue> Key(string connectionId) => new() { [K.CounterKey] = S("seq:" + connectionId) };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Frame {Sequence} of connection {ConnectionId} waited MaxFrameOrderWait for the frames numbered before it and goes ahead.", EventName = "FrameOrderWaitExpired")]
        public static partial void WaitExpired(ILogger logger, string connectionId, long sequence);
    }
}
