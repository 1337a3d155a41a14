using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Moderation;
using static StreamChat.Aws.DynamoDb.Internal.AttributeValues;
using K = StreamChat.Aws.DynamoDb.DynamoDbConstants;

namespace StreamChat.Aws.DynamoDb.Internal;

/// <summary>
/// Users' trust per stream in DynamoDB, so every Lambda instance sees the same standing: a viewer trusted on one
/// instance is trusted on all, and a flag raised on one holds on all. One item per (stream, user) in the counters
/// table (<see cref="DynamoDbStoreOptions.RateLimitsTableName"/>), keyed <c>trust:LENGTH:STREAM:USER</c> beside the
/// rate-limit windows: <c>allowed</c>, <c>sinceFlag</c>, <c>flaggedAt</c> (epoch milliseconds) and a <c>ttl</c>
/// <see cref="StandingTimeToLive"/> after the user was last seen.
/// </summary>
/// <remarks>
/// A level costs one eventually consistent GetItem (half a read unit); a decision costs one UpdateItem of ADD and SET
/// (one write unit), atomic on the server, so concurrent instances never lose a count. No transactions.
/// </remarks>
internal sealed class DynamoDbUserTrust : IUserTrust
{
    /// <summary>How long a user's standing is kept after their last message in the stream.</summary>
    public static readonly TimeSpan StandingTimeToLive = TimeSpan.FromDays(30);

    private const string Allowed = "allowed";
    private const string SinceFlag = "sinceFlag";
    private const string FlaggedAt = "flaggedAt";

    private readonly DynamoDbRequestRunner _db;
    private readonly DynamoDbStoreOptions _options;
    private readonly TrustOptions _trust;
    private readonly TimeProvider _time;

    public DynamoDbUserTrust(DynamoDbRequestRunner db, IOptions<DynamoDbStoreOptions> options, IOptions<StreamChatOptions> chatOptions, TimeProvider time)
    {
        _db = db;
        _options = options.Value;
        _trust = chatOptions.Value.Moderation.Trust;
        _time = time;
    }

    private string Table => _options.RateLimitsTableName;

    /// <inheritdoc />
    public async ValueTask<UserTrustLevel> GetLevelAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var request = new GetItemRequest
        {
            TableName = Table,
            Key = Key(streamId, userId),
            ProjectionExpression = "#a, #s, #f, #ttl",
            ExpressionAttributeNames = new() { ["#a"] = Allowed, ["#s"] = SinceFlag, ["#f"] = FlaggedAt, ["#ttl"] = K.Ttl },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        var response = await _db.RunAsync("GetItem", Table, (c, ct) => c.GetItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var standing = response.Item is { Count: > 0 } item && !item.IsExpired(now)
            ? new UserStanding(
                Number(item, Allowed),
                item.ContainsKey(FlaggedAt) ? DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(FlaggedAt)) : null,
                Number(item, SinceFlag))
            : default;
        return standing.LevelAt(now, _trust);
    }

    /// <inheritdoc />
    public async ValueTask RecordAsync(string streamId, string userId, ModerationResult verdict, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var now = _time.GetUtcNow();
        var ttl = N((now + StandingTimeToLive).ToUnixTimeSeconds());
        var hostile = UserStanding.Flags(verdict);
        var (update, names, values) = (hostile, verdict.IsBlocked) switch
        {
            // A hostile block flags: the count of messages since the flag starts again.
            (true, _) => ("SET #f = :now, #s = :zero, #ttl = :ttl",
                new Dictionary<string, string> { ["#f"] = FlaggedAt, ["#s"] = SinceFlag, ["#ttl"] = K.Ttl },
                new Dictionary<string, AttributeValue> { [":now"] = N(now.ToUnixTimeMilliseconds()), [":zero"] = N(0), [":ttl"] = ttl }),
            (false, true) => ("ADD #s :one SET #ttl = :ttl",
                new Dictionary<string, string> { ["#s"] = SinceFlag, ["#ttl"] = K.Ttl },
                new Dictionary<string, AttributeValue> { [":one"] = N(1), [":ttl"] = ttl }),
            (false, false) => ("ADD #a :one, #s :one SET #ttl = :ttl",
                new Dictionary<string, string> { ["#a"] = Allowed, ["#s"] = SinceFlag, ["#ttl"] = K.Ttl },
                new Dictionary<string, AttributeValue> { [":one"] = N(1), [":ttl"] = ttl }),
        };
        var request = new UpdateItemRequest
        {
            TableName = Table,
            Key = Key(streamId, userId),
            UpdateExpression = update,
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        await _db.RunAsync("UpdateItem", Table, (c, ct) => c.UpdateItemAsync(request, ct), cancellationToken).ConfigureAwait(false);
    }

    // The length prefix keeps "a:b" + "c" apart from "a" + "b:c".
    private static Dictionary<string, AttributeValue> Key(string streamId, string userId) =>
        new() { [K.CounterKey] = S(string.Create(CultureInfo.InvariantCulture, $"trust:{streamId.Length}:{streamId}:{userId}")) };

    private static long Number(Dictionary<string, AttributeValue> item, string name) => item.ContainsKey(name) ? item.GetNumber(name) : 0;
}
