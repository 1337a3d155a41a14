using StreamChat.Core.Connections;
using StreamChat.Core.Identity;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Connections;

/// <summary>The conformance suite every <see cref="IConnectionStore"/> passes.</summary>
public abstract class ConnectionStoreTestsBase
{
    protected abstract Task<IConnectionStore> CreateStoreAsync();

    protected static ChatConnection Connection(string id, string stream = "stream-1", string user = "user") =>
        new(id, stream, user + "-" + id, "User " + id, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task AddAsync_NewConnection_CanBeReadBack()
    {
        var store = await CreateStoreAsync();
        var connection = Connection("c1");

        Assert.True(await store.AddAsync(connection).DefaultTimeout());

        Assert.Equal(connection, await store.GetAsync("c1").DefaultTimeout());
        Assert.Equal(1, await store.CountAsync("stream-1").DefaultTimeout());
    }

    [Theory]
    [InlineData(ChatRole.Viewer)]
    [InlineData(ChatRole.Moderator)]
    [InlineData(ChatRole.Broadcaster)]
    public async Task AddAsync_TheRole_IsKeptWithTheConnection_ForEveryRead(ChatRole role)
    {
        var store = await CreateStoreAsync();
        var connection = Connection("c1") with { Role = role };

        await store.AddAsync(connection).DefaultTimeout();

        Assert.Equal(role, (await store.GetAsync("c1").DefaultTimeout())!.Role);
        Assert.Equal(role, Assert.Single(await store.GetByStreamAsync("stream-1").DefaultTimeout()).Role);
        Assert.Equal(role, (await store.RemoveAsync("c1").DefaultTimeout())!.Role);
    }

    [Fact]
    public async Task AddAsync_SameIdTwice_SecondReturnsFalseAndKeepsTheFirst()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Connection("c1")).DefaultTimeout();

        Assert.False(await store.AddAsync(Connection("c1", user: "other")).DefaultTimeout());
        Assert.Equal("user-c1", (await store.GetAsync("c1").DefaultTimeout())!.UserId);
    }

    [Fact]
    public async Task RemoveAsync_KnownConnection_ReturnsItOnce()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Connection("c1")).DefaultTimeout();

        Assert.Equal("c1", (await store.RemoveAsync("c1").DefaultTimeout())!.ConnectionId);
        Assert.Null(await store.RemoveAsync("c1").DefaultTimeout());
        Assert.Null(await store.GetAsync("c1").DefaultTimeout());
        Assert.Equal(0, await store.CountAsync("stream-1").DefaultTimeout());
    }

    [Fact]
    public async Task RemoveAsync_UnknownConnection_ReturnsNull()
    {
        Assert.Null(await (await CreateStoreAsync()).RemoveAsync("nope").DefaultTimeout());
    }

    [Fact]
    public async Task GetByStreamAsync_TwoStreams_AreKeptApart()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Connection("a1", "stream-a")).DefaultTimeout();
        await store.AddAsync(Connection("a2", "stream-a")).DefaultTimeout();
        await store.AddAsync(Connection("b1", "stream-b")).DefaultTimeout();

        var a = await store.GetByStreamAsync("stream-a").DefaultTimeout();
        var b = await store.GetByStreamAsync("stream-b").DefaultTimeout();

        Assert.Equal(["a1", "a2"], a.Select(c => c.ConnectionId).Order());
        Assert.Equal(["b1"], b.Select(c => c.ConnectionId));
        Assert.Empty(await store.GetByStreamAsync("stream-c").DefaultTimeout());
        Assert.Equal(0, await store.CountAsync("stream-c").DefaultTimeout());
    }

    [Fact]
    public async Task AddAndRemove_ThousandsConcurrently_CountsStayExact()
    {
        var store = await CreateStoreAsync();
        var ids = Enumerable.Range(0, 3000).Select(i => "c" + i).ToArray();

        await Task.WhenAll(ids.Select(id => Task.Run(() => store.AddAsync(Connection(id))))).DefaultTimeout();
        Assert.Equal(3000, await store.CountAsync("stream-1").DefaultTimeout());
        Assert.Equal(3000, (await store.GetByStreamAsync("stream-1").DefaultTimeout()).Count);

        await Task.WhenAll(ids.Where((_, i) => i % 2 == 0).Select(id => Task.Run(() => store.RemoveAsync(id)))).DefaultTimeout();
        Assert.Equal(1500, await store.CountAsync("stream-1").DefaultTimeout());
    }

    [Fact]
    public async Task AddAsync_AfterStreamEmptied_StreamWorksAgain()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Connection("c1")).DefaultTimeout();
        await store.RemoveAsync("c1").DefaultTimeout();

        await store.AddAsync(Connection("c2")).DefaultTimeout();

        Assert.Equal(["c2"], (await store.GetByStreamAsync("stream-1").DefaultTimeout()).Select(c => c.ConnectionId));
    }

    [Fact]
    public async Task GetConnectionIdsAsync_ReturnsTheStreamsIdsOnly()
    {
        var store = await CreateStoreAsync();
        await store.AddAsync(Connection("a1", "stream-a")).DefaultTimeout();
        await store.AddAsync(Connection("a2", "stream-a")).DefaultTimeout();
        await store.AddAsync(Connection("b1", "stream-b")).DefaultTimeout();

        Assert.Equal(["a1", "a2"], (await store.GetConnectionIdsAsync("stream-a").DefaultTimeout()).Order());
        Assert.Empty(await store.GetConnectionIdsAsync("stream-z").DefaultTimeout());
    }

    [Fact]
    public async Task GetByUserAsync_ReturnsThatUsersConnectionsInThatStreamOnly_AndForgetsRemovedOnes()
    {
        var store = await CreateStoreAsync();
        var tab1 = new ChatConnection("u1", "stream-1", "ana", "Ana", DateTimeOffset.UnixEpoch, ChatRole.Moderator);
        var tab2 = new ChatConnection("u2", "stream-1", "ana", "Ana", DateTimeOffset.UnixEpoch);
        await store.AddAsync(tab1).DefaultTimeout();
        await store.AddAsync(tab2).DefaultTimeout();
        await store.AddAsync(new ChatConnection("u3", "stream-2", "ana", "Ana", DateTimeOffset.UnixEpoch)).DefaultTimeout();
        await store.AddAsync(new ChatConnection("u4", "stream-1", "bob", "Bob", DateTimeOffset.UnixEpoch)).DefaultTimeout();

        Assert.Equal([tab1, tab2], (await store.GetByUserAsync("stream-1", "ana").DefaultTimeout()).OrderBy(c => c.ConnectionId, StringComparer.Ordinal));
        Assert.Empty(await store.GetByUserAsync("stream-1", "carol").DefaultTimeout());

        await store.RemoveAsync("u1").DefaultTimeout();
        Assert.Equal([tab2], await store.GetByUserAsync("stream-1", "ana").DefaultTimeout());
    }

    [Fact]
    public async Task GetByUserAsync_OneUsersTabsAddedAndRemovedConcurrently_ListsExactlyTheOnesLeft()
    {
        var store = await CreateStoreAsync();
        var tabs = Enumerable.Range(0, 200).Select(i => new ChatConnection("t" + i, "stream-1", "ana", "Ana", DateTimeOffset.UnixEpoch)).ToArray();
        await Task.WhenAll(tabs.Select(tab => Task.Run(() => store.AddAsync(tab)))).DefaultTimeout();
        Assert.Equal(200, (await store.GetByUserAsync("stream-1", "ana").DefaultTimeout()).Count);

        // Removes and adds of the same user race each other; the read afterwards lists exactly what is left.
        var more = Enumerable.Range(200, 100).Select(i => new ChatConnection("t" + i, "stream-1", "ana", "Ana", DateTimeOffset.UnixEpoch)).ToArray();
        await Task.WhenAll(
            tabs.Where((_, i) => i % 2 == 0).Select(tab => Task.Run(() => (Task)store.RemoveAsync(tab.ConnectionId)))
                .Concat(more.Select(tab => Task.Run(() => (Task)store.AddAsync(tab))))).DefaultTimeout();

        var expected = tabs.Where((_, i) => i % 2 == 1).Concat(more).Select(t => t.ConnectionId).Order(StringComparer.Ordinal);
        Assert.Equal(expected, (await store.GetByUserAsync("stream-1", "ana").DefaultTimeout()).Select(c => c.ConnectionId).Order(StringComparer.Ordinal));

        foreach (var tab in tabs.Where((_, i) => i % 2 == 1).Concat(more))
        {
            await store.RemoveAsync(tab.ConnectionId).DefaultTimeout();
        }

        Assert.Empty(await store.GetByUserAsync("stream-1", "ana").DefaultTimeout());
    }
}
