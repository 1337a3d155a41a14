using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Tests.Broadcasting;

namespace StreamChat.Aws.Tests.ApiGateway;

/// <summary>
/// The broadcaster suite on the API Gateway broadcaster: the connections are in the connection store, the frames and
/// closes go through the Management API stand-in (SigV4 checked), which answers 410 for a connection that is gone.
/// </summary>
public sealed class ApiGatewayChatBroadcasterConformanceTests : ChatBroadcasterTestsBase
{
    protected override async Task<IBroadcasterFixture> CreateFixtureAsync() => await Fixture.StartAsync();

    private sealed class Fixture : IBroadcasterFixture
    {
        private readonly ConcurrentDictionary<string, Recipient> _recipients = new(StringComparer.Ordinal);
        private ManagementApiStandIn _api = null!;
        private ServiceProvider _provider = null!;
        private int _next;

        public IChatBroadcaster Broadcaster { get; private set; } = null!;

        public static async Task<Fixture> StartAsync()
        {
            var fixture = new Fixture { _api = await ManagementApiStandIn.StartAsync() };
            fixture._api.Router = (id, body) => fixture._recipients.TryGetValue(id, out var r) && r.Take(body) ? 200 : 410;
            fixture._api.DeleteRouter = id => fixture._recipients.TryGetValue(id, out var r) && r.CloseIfOpen() ? 204 : 410;
            fixture._provider = ApiGatewayBroadcasterTests.Build(fixture._api);
            fixture.Broadcaster = fixture._provider.GetRequiredService<IChatBroadcaster>();
            return fixture;
        }

        public async Task<ITestRecipient> AddAsync(string streamId, string userId)
        {
            var id = "conn" + Interlocked.Increment(ref _next) + "=";
            await _provider.GetRequiredService<IConnectionStore>().AddAsync(new ChatConnection(id, streamId, userId, userId, DateTimeOffset.UtcNow));
            return _recipients[id] = new Recipient(id);
        }

        public async ValueTask DisposeAsync()
        {
            await _provider.DisposeAsync();
            await _api.DisposeAsync();
        }
    }

    private sealed class Recipient(string connectionId) : ITestRecipient
    {
        private readonly ConcurrentQueue<byte[]> _frames = new();
        private volatile bool _gone;
        private volatile bool _closed;

        public string ConnectionId => connectionId;

        public IReadOnlyList<byte[]> Frames => _frames.ToArray();

        public bool Closed => _closed;

        public bool Take(byte[] body)
        {
            if (_gone || _closed)
            {
                return false;
            }

            _frames.Enqueue(body);
            return true;
        }

        public bool CloseIfOpen()
        {
            if (_gone || _closed)
            {
                return false;
            }

            _closed = true;
            return true;
        }

        public void GoAway() => _gone = true;
    }
}
