using Microsoft.Extensions.DependencyInjection;
using StreamChat.AspNetCore.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Testing;

namespace StreamChat.Redis.Tests.Infrastructure;

/// <summary>
/// Two real Kestrel nodes on one Redis, as the shared conformance suites drive a host: connections alternate between
/// the nodes (the first on node A, the next on node B, ...), so a sender and the users who receive it sit on
/// different nodes, and every frame between them crosses Redis.
/// </summary>
internal sealed class TwoNodeChatHost : IChatTestHost
{
    private int _next;

    private TwoNodeChatHost(ChatServer a, ChatServer b)
    {
        A = a;
        B = b;
    }

    public ChatServer A { get; }

    public ChatServer B { get; }

    public IServiceProvider Services => A.Services;

    public int? BanCloseCode => 4003;

    /// <summary>Gets a value indicating that .NET's WebSocket fails a connection whose text frame is not UTF-8, as RFC 6455 says.</summary>
    public bool FailsConnectionOnInvalidUtf8Text => true;

    public static Task<TwoNodeChatHost> StartAsync(RedisFixture redis, Action<StreamChatOptions>? configure = null, Action<RedisScaleOutOptions>? configureRedis = null) =>
        StartAsync(redis.Configuration, configure, configureRedis);

    public static async Task<TwoNodeChatHost> StartAsync(
        string redisConfiguration,
        Action<StreamChatOptions>? configure = null,
        Action<RedisScaleOutOptions>? configureRedis = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var prefix = RedisFixture.NewPrefix();
        Task<ChatServer> Node(string name) => ChatServer.StartAsync(configure, configureServices: configureServices, configureChat: chat => chat.AddStackExchangeRedis(o =>
        {
            o.Configuration = redisConfiguration;
            o.KeyPrefix = prefix;
            o.NodeId = name;
            configureRedis?.Invoke(o);
        }));
        return new TwoNodeChatHost(await Node("node-a"), await Node("node-b"));
    }

    public ChatServer NextNode() => Interlocked.Increment(ref _next) % 2 == 1 ? A : B;

    public async Task<IChatTestConnection> ConnectAsync(string streamId, string userId, string? username = null, string? role = null) =>
        await NextNode().ConnectAsync(streamId, userId, username, role);

    public Task<int> ConnectExpectingRefusalAsync(string? streamId, string? userId, string? username) =>
        ChatTestClient.ConnectExpectingRefusalAsync(NextNode().ChatUri(streamId, userId, username));

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
