namespace StreamChat.Redis.Internal;

/// <summary>
/// The Lua scripts that make each store operation atomic on the server. Times are the node's clock in Unix
/// milliseconds, passed in (so every node and the tests' fake clock agree on one rule); key time-to-lives are relative.
/// Scripts that reach keys named by data (a stream's live nodes) build the names as <see cref="RedisKeys"/> does, so
/// they need one Redis primary (or a Sentinel / replica set), not Redis Cluster.
/// StackExchange.Redis sends each script by its SHA-1 after the first call.
/// </summary>
internal static class RedisScripts
{
    /// <summary>KEYS: conn, streamNode, streamUser, streamLeases, nodeLeases, nodeStreams. ARGV: id, stream key part, user, name, connectedAt, role, node, leaseUntil.</summary>
    public const string ConnectionAdd = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 's', ARGV[2], 'u', ARGV[3], 'n', ARGV[4], 't', ARGV[5], 'r', ARGV[6], 'node', ARGV[7])
        redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('SADD', KEYS[3], ARGV[1])
        redis.call('ZADD', KEYS[4], ARGV[8], ARGV[7])
        redis.call('ZADD', KEYS[5], ARGV[8], ARGV[7])
        redis.call('SADD', KEYS[6], ARGV[2])
        return 1
        """;

    /// <summary>KEYS: conn. ARGV: prefix, id. Returns the record's fields, or nil.</summary>
    public const string ConnectionRemove = """
        local f = redis.call('HMGET', KEYS[1], 's', 'u', 'n', 't', 'r', 'node')
        if not f[1] then return false end
        local p = ARGV[1]
        local sn = p .. 'sn:' .. f[1] .. ':' .. f[6]
        redis.call('SREM', sn, ARGV[2])
        redis.call('SREM', p .. 'su:' .. f[1] .. ':' .. f[2], ARGV[2])
        redis.call('DEL', KEYS[1])
        if redis.call('SCARD', sn) == 0 then
          redis.call('ZREM', p .. 'sl:' .. f[1], f[6])
          redis.call('SREM', p .. 'ns:' .. f[6], f[1])
        end
        return f
        """;

    /// <summary>KEYS: conn. ARGV: prefix, now. Returns the record's fields when its node's lease holds, or nil.</summary>
    public const string ConnectionGet = """
        local f = redis.call('HMGET', KEYS[1], 's', 'u', 'n', 't', 'r', 'node')
        if not f[1] then return false end
        local lease = redis.call('ZSCORE', ARGV[1] .. 'sl:' .. f[1], f[6])
        if (not lease) or tonumber(lease) < tonumber(ARGV[2]) then return false end
        return f
        """;

    /// <summary>ARGV: prefix, stream key part, now, mode (count, ids, all). The connections on nodes whose lease holds.</summary>
    public const string ConnectionsOfStream = """
        local p, s, mode = ARGV[1], ARGV[2], ARGV[4]
        local nodes = redis.call('ZRANGEBYSCORE', p .. 'sl:' .. s, ARGV[3], '+inf')
        local n, out = 0, {}
        for _, node in ipairs(nodes) do
          local sn = p .. 'sn:' .. s .. ':' .. node
          if mode == 'count' then
            n = n + redis.call('SCARD', sn)
          else
            for _, id in ipairs(redis.call('SMEMBERS', sn)) do
              if mode == 'ids' then
                out[#out + 1] = id
              else
                local f = redis.call('HMGET', p .. 'c:' .. id, 's', 'u', 'n', 't', 'r', 'node')
                if f[1] then
                  out[#out + 1] = id
                  for i = 1, 6 do out[#out + 1] = f[i] end
                end
              end
            end
          end
        end
        if mode == 'count' then return n end
        return out
        """;

    /// <summary>KEYS: streamUser. ARGV: prefix, stream key part, now, mode (all, nodes). One user's live connections, or their distinct nodes.</summary>
    public const string ConnectionsOfUser = """
        local p, s = ARGV[1], ARGV[2]
        local live, out, seen = {}, {}, {}
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          local f = redis.call('HMGET', p .. 'c:' .. id, 's', 'u', 'n', 't', 'r', 'node')
          if not f[1] then
            redis.call('SREM', KEYS[1], id)
          else
            local node = f[6]
            if live[node] == nil then
              local lease = redis.call('ZSCORE', p .. 'sl:' .. s, node)
              live[node] = lease ~= false and tonumber(lease) >= tonumber(ARGV[3])
            end
            if live[node] then
              if ARGV[4] == 'nodes' then
                if not seen[node] then seen[node] = true; out[#out + 1] = node end
              else
                out[#out + 1] = id
                for i = 1, 6 do out[#out + 1] = f[i] end
              end
            end
          end
        end
        return out
        """;

    /// <summary>
    /// ARGV: prefix, node, leaseUntil, then the stream key parts the node holds connections in. Renews the node's leases
    /// and returns, per stream, how many of the node's connections Redis knows (fewer than the node holds means Redis
    /// lost them, e.g. restarted empty, and the node registers them again).
    /// </summary>
    public const string Heartbeat = """
        local p, node, lease = ARGV[1], ARGV[2], ARGV[3]
        redis.call('ZADD', p .. 'nl', lease, node)
        local out = {}
        for i = 4, #ARGV do
          redis.call('ZADD', p .. 'sl:' .. ARGV[i], lease, node)
          redis.call('SADD', p .. 'ns:' .. node, ARGV[i])
          out[#out + 1] = redis.call('SCARD', p .. 'sn:' .. ARGV[i] .. ':' .. node)
        end
        return out
        """;

    /// <summary>ARGV: prefix, now, most nodes to reap. Deletes what nodes whose lease ended left behind; returns how many.</summary>
    public const string ReapDeadNodes = """
        local p = ARGV[1]
        local dead = redis.call('ZRANGEBYSCORE', p .. 'nl', '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
        for _, node in ipairs(dead) do
          local ns = p .. 'ns:' .. node
          for _, s in ipairs(redis.call('SMEMBERS', ns)) do
            local sn = p .. 'sn:' .. s .. ':' .. node
            for _, id in ipairs(redis.call('SMEMBERS', sn)) do
              local c = p .. 'c:' .. id
              local u = redis.call('HGET', c, 'u')
              if u then redis.call('SREM', p .. 'su:' .. s .. ':' .. u, id) end
              redis.call('DEL', c)
            end
            redis.call('DEL', sn)
            redis.call('ZREM', p .. 'sl:' .. s, node)
          end
          redis.call('DEL', ns)
          redis.call('ZREM', p .. 'nl', node)
        end
        return #dead
        """;

    /// <summary>
    /// KEYS: messages, order, tombstones. ARGV: id, sentAt, record, cutoff (inclusive), cap, key ttl in ms, reaction
    /// key prefix. Expired and evicted messages take their reactions with them; expired tombstones go too.
    /// </summary>
    public const string MessageAdd = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
        local function drop(ids)
          for _, id in ipairs(ids) do
            redis.call('HDEL', KEYS[1], id)
            redis.call('DEL', ARGV[7] .. 'c:' .. id, ARGV[7] .. 'u:' .. id)
          end
        end
        local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
        drop(old)
        if #old > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4]) end
        local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
        if extra > 0 then
          drop(redis.call('ZRANGE', KEYS[2], 0, extra - 1))
          redis.call('ZREMRANGEBYRANK', KEYS[2], 0, extra - 1)
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[6])
        redis.call('PEXPIRE', KEYS[2], ARGV[6])
        return 1
        """;

    /// <summary>KEYS: messages, order. ARGV: cutoff (exclusive), limit, reaction key prefix. The newest first, each as {record, counts}.</summary>
    public const string MessageRecent = """
        local ids = redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        local out = {}
        for _, id in ipairs(ids) do
          out[#out + 1] = {redis.call('HGET', KEYS[1], id) or false, redis.call('HGETALL', ARGV[3] .. 'c:' .. id)}
        end
        return out
        """;

    /// <summary>KEYS: messages, order. ARGV: id, cutoff (exclusive), reaction key prefix. {record, counts}, or an empty array.</summary>
    public const string MessageFind = """
        local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
        if not score or tonumber(score) <= tonumber(ARGV[2]) then return {} end
        return {redis.call('HGET', KEYS[1], ARGV[1]) or false, redis.call('HGETALL', ARGV[3] .. 'c:' .. ARGV[1])}
        """;

    /// <summary>
    /// KEYS: messages, order, tombstones. ARGV: since, limit, cutoff (exclusive), the since id's time in ms, reaction
    /// key prefix. The since message's own time bounds the tombstones read; a deleted one's comes from its ULID.
    /// {0} when the gap cannot be replayed; else {1, {{record, counts}...}, {id, deletedAt, ...}}.
    /// </summary>
    public const string MessageSince = """
        local since, limit, cutoff = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
        local score = redis.call('ZSCORE', KEYS[2], since)
        if not (score and tonumber(score) > cutoff) and not redis.call('ZSCORE', KEYS[3], since) then
          return {0}
        end
        local from = score or ARGV[4]
        local messages = {}
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], from, '+inf')) do
          if id > since then
            if #messages == limit then return {0} end
            messages[#messages + 1] = {redis.call('HGET', KEYS[1], id) or false, redis.call('HGETALL', ARGV[5] .. 'c:' .. id)}
          end
        end
        local tombstones = {}
        local deleted = redis.call('ZRANGEBYSCORE', KEYS[3], from, '+inf', 'WITHSCORES')
        for i = 1, #deleted, 2 do
          if deleted[i] <= since then
            tombstones[#tombstones + 1] = deleted[i]
            tombstones[#tombstones + 1] = deleted[i + 1]
          end
        end
        return {1, messages, tombstones}
        """;

    /// <summary>
    /// KEYS: messages, order, tombstones. ARGV: mode (ids, user, all), now, cap, key ttl in ms, reaction key prefix,
    /// then the ids or the user. Removes the messages and their reactions and records a tombstone for each; returns
    /// the removed ids in stream order.
    /// </summary>
    public const string MessageDelete = """
        local removed = {}
        local mode = ARGV[1]
        local wanted = {}
        if mode == 'ids' then for i = 6, #ARGV do wanted[ARGV[i]] = true end end
        for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
          local hit = mode == 'all' or wanted[id]
          if mode == 'user' then
            local record = redis.call('HGET', KEYS[1], id)
            hit = record and cjson.decode(record).u == ARGV[6]
          end
          if hit then
            redis.call('HDEL', KEYS[1], id)
            redis.call('ZREM', KEYS[2], id)
            redis.call('DEL', ARGV[5] .. 'c:' .. id, ARGV[5] .. 'u:' .. id)
            redis.call('ZADD', KEYS[3], ARGV[2], id)
            removed[#removed + 1] = id
          end
        end
        if #removed > 0 then
          local extra = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[3])
          if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[3], 0, extra - 1) end
          redis.call('PEXPIRE', KEYS[3], ARGV[4])
        end
        return removed
        """;

    /// <summary>
    /// KEYS: order, reacting users, counts. ARGV: id, cutoff (exclusive), emoji, user, 1 to add or 0 to remove, key
    /// ttl in ms. -1 when the message is not held, 0 when nothing changed, 1 when the reaction changed.
    /// </summary>
    public const string ReactionSet = """
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not score or tonumber(score) <= tonumber(ARGV[2]) then return -1 end
        local member = ARGV[3] .. '\n' .. ARGV[4]
        if ARGV[5] == '1' then
          if redis.call('SADD', KEYS[2], member) == 0 then return 0 end
          redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
        else
          if redis.call('SREM', KEYS[2], member) == 0 then return 0 end
          if redis.call('HINCRBY', KEYS[3], ARGV[3], -1) <= 0 then redis.call('HDEL', KEYS[3], ARGV[3]) end
        end
        redis.call('PEXPIRE', KEYS[2], ARGV[6])
        redis.call('PEXPIRE', KEYS[3], ARGV[6])
        return 1
        """;

    /// <summary>KEYS: order. ARGV: cutoff (exclusive), reaction key prefix, then ids. {id, counts, ...} for the held ones.</summary>
    public const string ReactionRead = """
        local out = {}
        for i = 3, #ARGV do
          local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
          if score and tonumber(score) > tonumber(ARGV[1]) then
            out[#out + 1] = ARGV[i]
            out[#out + 1] = redis.call('HGETALL', ARGV[2] .. 'c:' .. ARGV[i])
          end
        end
        return out
        """;

    /// <summary>KEYS: items, claim, flushed. ARGV: item, now, claim timeout in ms, key ttl in ms. {1 if claimed, last flush ms or ''}.</summary>
    public const string FoldMark = """
        redis.call('SADD', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        local claimed = redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3])
        return {claimed and 1 or 0, redis.call('GET', KEYS[3]) or ''}
        """;

    /// <summary>KEYS: items, claim, flushed. ARGV: now, key ttl in ms. Takes the items, releases the claim, records the flush.</summary>
    public const string FoldTake = """
        local items = redis.call('SMEMBERS', KEYS[1])
        redis.call('DEL', KEYS[1], KEYS[2])
        redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
        return items
        """;

    /// <summary>KEYS: sanctions, slowMode. The sanction fields (expiry or 0) and the slow-mode interval.</summary>
    public const string SanctionRead = """
        local f = redis.call('HMGET', KEYS[1], 'b', 't', 'sb', 'm')
        f[5] = redis.call('GET', KEYS[2])
        return f
        """;

    /// <summary>KEYS: sanctions, moderators. ARGV: field, expiry (0 for none), now, user. The key lives as long as its longest sanction.</summary>
    public const string SanctionSet = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        local forever, latest = false, 0
        for _, v in ipairs(redis.call('HVALS', KEYS[1])) do
          local n = tonumber(v)
          if n == 0 then forever = true elseif n > latest then latest = n end
        end
        if forever then
          redis.call('PERSIST', KEYS[1])
        else
          local ttl = latest - tonumber(ARGV[3]) + 60000
          if ttl < 1 then ttl = 1 end
          redis.call('PEXPIRE', KEYS[1], ttl)
        end
        if ARGV[1] == 'm' then
          if ARGV[2] == '0' then redis.call('ZADD', KEYS[2], '+inf', ARGV[4]) else redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4]) end
        end
        return 1
        """;

    /// <summary>KEYS: sanctions, moderators. ARGV: field, now, user. 1 when a sanction in force was lifted.</summary>
    public const string SanctionRemove = """
        local v = redis.call('HGET', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[1], ARGV[1])
        if ARGV[1] == 'm' then redis.call('ZREM', KEYS[2], ARGV[3]) end
        if not v then return 0 end
        if v == '0' or tonumber(v) > tonumber(ARGV[2]) then return 1 end
        return 0
        """;

    /// <summary>
    /// KEYS: window. ARGV: now, window in ms, permit limit. A fixed window, as the in-memory and DynamoDB counters:
    /// returns 0 when allowed, else the milliseconds left in the full window.
    /// </summary>
    public const string RateLimitAcquire = """
        local now, length, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
        local f = redis.call('HMGET', KEYS[1], 'ws', 'c')
        local start, count = tonumber(f[1]), tonumber(f[2])
        if (not start) or start + length <= now then
          redis.call('HSET', KEYS[1], 'ws', now, 'c', 1)
          redis.call('PEXPIRE', KEYS[1], length + 60000)
          return 0
        end
        if count < limit then
          redis.call('HINCRBY', KEYS[1], 'c', 1)
          return 0
        end
        return start + length - now
        """;

    /// <summary>KEYS: trust. ARGV: verdict (hostile, blocked, allowed), now, key ttl in ms.</summary>
    public const string TrustRecord = """
        if ARGV[1] == 'hostile' then
          redis.call('HSET', KEYS[1], 'f', ARGV[2], 's', 0)
        elseif ARGV[1] == 'blocked' then
          redis.call('HINCRBY', KEYS[1], 's', 1)
        else
          redis.call('HINCRBY', KEYS[1], 'a', 1)
          redis.call('HINCRBY', KEYS[1], 's', 1)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;
}
