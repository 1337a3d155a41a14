using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace StreamChat.Redis.Internal;

/// <summary>
/// Every key and channel name, under the configured prefix. A stream id is written with its length first
/// (<c>5:s-one</c>) because ids may contain the <c>:</c> separator; the Lua scripts build the same names from the same
/// rule (see <see cref="RedisScripts"/>).
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>A stream id as it appears inside key names: its UTF-8 length, a colon, the id.</summary>
    public static string Stream(string streamId) =>
        string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(streamId)}:{streamId}");

    /// <summary>One connection's record (a hash).</summary>
    public RedisKey Connection(string connectionId) => Prefix + "c:" + connectionId;

    /// <summary>The connections one node holds in one stream (a set).</summary>
    public RedisKey StreamNode(string streamId, string nodeId) => Prefix + "sn:" + Stream(streamId) + ":" + nodeId;

    /// <summary>One user's connections in one stream (a set).</summary>
    public RedisKey StreamUser(string streamId, string userId) => Prefix + "su:" + Stream(streamId) + ":" + userId;

    /// <summary>The nodes holding connections in a stream, scored by when their lease ends (a sorted set).</summary>
    public RedisKey StreamLeases(string streamId) => Prefix + "sl:" + Stream(streamId);

    /// <summary>Every node, scored by when its lease ends (a sorted set), for reaping dead nodes.</summary>
    public RedisKey NodeLeases => Prefix + "nl";

    /// <summary>The streams one node has connections in (a set), for reaping a dead node.</summary>
    public RedisKey NodeStreams(string nodeId) => Prefix + "ns:" + nodeId;

    /// <summary>A stream's messages by id (a hash of JSON records).</summary>
    public RedisKey Messages(string streamId) => Prefix + "h:" + Stream(streamId);

    /// <summary>A stream's message ids scored by send time in Unix milliseconds (a sorted set).</summary>
    public RedisKey MessageOrder(string streamId) => Prefix + "hz:" + Stream(streamId);

    /// <summary>One user's sanctions in a stream (a hash: kind to expiry in Unix milliseconds, 0 for none).</summary>
    /// <summary>The tombstones of a stream's deleted messages: a sorted set of ids scored by deletion time.</summary>
    public RedisKey MessageTombstones(string streamId) => Prefix + "hd:" + Stream(streamId);

    /// <summary>The prefix of a stream's reaction keys: <c>c:{id}</c> counts by emoji, <c>u:{id}</c> who reacted with what.</summary>
    public string ReactionPrefix(string streamId) => Prefix + "r:" + Stream(streamId) + ":";

    public RedisKey ReactionCounts(string streamId, string messageId) => ReactionPrefix(streamId) + "c:" + messageId;

    public RedisKey ReactionUsers(string streamId, string messageId) => ReactionPrefix(streamId) + "u:" + messageId;

    /// <summary>Folding state of a stream and channel: <c>i</c> the changed items, <c>c</c> the claim, <c>f</c> the last flush.</summary>
    public RedisKey Fold(string streamId, string channel, char part) => Prefix + "f" + part + ":" + Stream(streamId) + ":" + channel;

    public RedisKey Sanctions(string streamId, string userId) => Prefix + "x:" + Stream(streamId) + ":" + userId;

    /// <summary>A stream's granted moderators scored by when the grant ends (a sorted set).</summary>
    public RedisKey Moderators(string streamId) => Prefix + "mods:" + Stream(streamId);

    /// <summary>A stream's slow-mode interval in milliseconds (a string).</summary>
    public RedisKey SlowMode(string streamId) => Prefix + "slow:" + Stream(streamId);

    /// <summary>One rate-limit window (a hash: start, count).</summary>
    public RedisKey RateLimit(string key) => Prefix + "rl:" + key;

    /// <summary>One user's trust standing in a stream (a hash).</summary>
    public RedisKey Trust(string streamId, string userId) => Prefix + "tr:" + Stream(streamId) + ":" + userId;

    /// <summary>The channel a stream's broadcasts are published on.</summary>
    public RedisChannel StreamChannel(string streamId) => RedisChannel.Literal(Prefix + "ch:s:" + streamId);

    /// <summary>The channel one node listens on for sends to its connections and users.</summary>
    public RedisChannel NodeChannel(string nodeId) => RedisChannel.Literal(Prefix + "ch:n:" + nodeId);
}
