using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.Infrastructure;

/// <summary>The Kestrel host (real sockets) as the shared conformance suites drive it.</summary>
internal sealed class KestrelChatHost(ChatServer server) : IChatTestHost
{
    public IServiceProvider Services => server.Services;

    public int? BanCloseCode => 4003;

    /// <summary>Gets a value indicating that .NET's WebSocket fails a connection whose text frame is not UTF-8, as RFC 6455 says.</summary>
    public bool FailsConnectionOnInvalidUtf8Text => true;

    public async Task<IChatTestConnection> ConnectAsync(string streamId, string userId, string? username = null, string? role = null) =>
        await server.ConnectAsync(streamId, userId, username, role);

    public Task<int> ConnectExpectingRefusalAsync(string? streamId, string? userId, string? username) =>
        ChatTestClient.ConnectExpectingRefusalAsync(server.ChatUri(streamId, userId, username));

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
