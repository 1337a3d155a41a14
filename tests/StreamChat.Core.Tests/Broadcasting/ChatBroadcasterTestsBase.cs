using System.Text;
using StreamChat.Core.Broadcasting;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Broadcasting;

/// <summary>A connection as a broadcaster test sees it: what reached it, and whether it was closed.</summary>
public interface ITestRecipient
{
    string ConnectionId { get; }

    /// <summary>Gets the frames that reached the connection, in order.</summary>
    IReadOnlyList<byte[]> Frames { get; }

    /// <summary>Gets a value indicating whether the broadcaster closed the connection.</summary>
    bool Closed { get; }

    /// <summary>The client vanishes without a close: the transport can no longer reach it.</summary>
    void GoAway();
}

/// <summary>One broadcaster under test and the connections it can reach.</summary>
public interface IBroadcasterFixture : IAsyncDisposable
{
    IChatBroadcaster Broadcaster { get; }

    /// <summary>Makes a connection of <paramref name="userId"/> in <paramref name="streamId"/> reachable by the broadcaster.</summary>
    Task<ITestRecipient> AddAsync(string streamId, string userId);
}

/// <summary>
/// What every <see cref="IChatBroadcaster"/> does, run against each implementation (the local one over its registry,
/// the API Gateway one over the Management API), as SignalR's HubLifetimeManagerTestsBase is for its managers.
/// </summary>
public abstract class ChatBroadcasterTestsBase
{
    private static readonly byte[] Frame = Encoding.UTF8.GetBytes("""{"type":"message","timestamp":"2026-11-25T18:00:00.123Z","message":"hi"}""");

    protected abstract Task<IBroadcasterFixture> CreateFixtureAsync();

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "timed out");
    }

    [Fact]
    public async Task SendToStreamAsync_ReachesEveryConnectionOfTheStream_WithTheSameBytes_AndNoOtherStream()
    {
        await using var fixture = await CreateFixtureAsync();
        var ana = await fixture.AddAsync("live", "ana");
        var bob = await fixture.AddAsync("live", "bob");
        var outsider = await fixture.AddAsync("other", "carol");

        var result = await fixture.Broadcaster.SendToStreamAsync("live", Frame).DefaultTimeout();

        Assert.Equal(2, result.Delivered);
        Assert.Empty(result.GoneConnectionIds);
        Assert.Equal(Frame, Assert.Single(ana.Frames));
        Assert.Equal(Frame, Assert.Single(bob.Frames));
        Assert.Empty(outsider.Frames);
    }

    [Fact]
    public async Task SendToStreamAsync_LeavesOutTheExceptedConnection()
    {
        await using var fixture = await CreateFixtureAsync();
        var sender = await fixture.AddAsync("live", "ana");
        var other = await fixture.AddAsync("live", "bob");

        var result = await fixture.Broadcaster.SendToStreamAsync("live", Frame, sender.ConnectionId).DefaultTimeout();

        Assert.Equal(1, result.Delivered);
        Assert.Empty(sender.Frames);
        Assert.Single(other.Frames);
    }

    [Fact]
    public async Task SendToStreamAsync_OneGoneConnection_IsReported_AndTheOthersStillReceive()
    {
        await using var fixture = await CreateFixtureAsync();
        var gone = await fixture.AddAsync("live", "ana");
        var first = await fixture.AddAsync("live", "bob");
        var second = await fixture.AddAsync("live", "carol");
        gone.GoAway();

        var result = await fixture.Broadcaster.SendToStreamAsync("live", Frame).DefaultTimeout();

        Assert.Equal(2, result.Delivered);
        Assert.Equal([gone.ConnectionId], result.GoneConnectionIds);
        Assert.Single(first.Frames);
        Assert.Single(second.Frames);
    }

    [Fact]
    public async Task SendToStreamAsync_EmptyStream_DeliversToNobody()
    {
        await using var fixture = await CreateFixtureAsync();

        var result = await fixture.Broadcaster.SendToStreamAsync("nobody-here", Frame).DefaultTimeout();

        Assert.Equal(0, result.Delivered);
        Assert.Empty(result.GoneConnectionIds);
    }

    [Fact]
    public async Task SendToConnectionAsync_ReachesThatConnectionOnly()
    {
        await using var fixture = await CreateFixtureAsync();
        var ana = await fixture.AddAsync("live", "ana");
        var bob = await fixture.AddAsync("live", "bob");

        var result = await fixture.Broadcaster.SendToConnectionAsync(bob.ConnectionId, Frame).DefaultTimeout();

        Assert.Equal(1, result.Delivered);
        Assert.Empty(ana.Frames);
        Assert.Equal(Frame, Assert.Single(bob.Frames));
    }

    [Fact]
    public async Task SendToConnectionAsync_GoneConnection_IsReportedGone()
    {
        await using var fixture = await CreateFixtureAsync();
        var ana = await fixture.AddAsync("live", "ana");
        ana.GoAway();

        var result = await fixture.Broadcaster.SendToConnectionAsync(ana.ConnectionId, Frame).DefaultTimeout();

        Assert.Equal(0, result.Delivered);
        Assert.Equal([ana.ConnectionId], result.GoneConnectionIds);
    }

    [Fact]
    public async Task SendToUserAsync_ReachesEveryConnectionOfThatUserInThatStream_AndNobodyElse()
    {
        await using var fixture = await CreateFixtureAsync();
        var phone = await fixture.AddAsync("live", "ana");
        var laptop = await fixture.AddAsync("live", "ana");
        var bob = await fixture.AddAsync("live", "bob");
        var anaElsewhere = await fixture.AddAsync("other", "ana");

        var result = await fixture.Broadcaster.SendToUserAsync("live", "ana", Frame).DefaultTimeout();

        Assert.Equal(2, result.Delivered);
        Assert.Single(phone.Frames);
        Assert.Single(laptop.Frames);
        Assert.Empty(bob.Frames);
        Assert.Empty(anaElsewhere.Frames);
    }

    [Fact]
    public async Task SendToUserAsync_UnknownUser_DeliversToNobody()
    {
        await using var fixture = await CreateFixtureAsync();
        var bob = await fixture.AddAsync("live", "bob");

        var result = await fixture.Broadcaster.SendToUserAsync("live", "nobody", Frame).DefaultTimeout();

        Assert.Equal(0, result.Delivered);
        Assert.Empty(bob.Frames);
    }

    [Fact]
    public async Task CloseConnectionAsync_AfterAFrame_DeliversTheFrameThenCloses_AndLaterSendsFindItGone()
    {
        await using var fixture = await CreateFixtureAsync();
        var ana = await fixture.AddAsync("live", "ana");
        var bob = await fixture.AddAsync("live", "bob");

        await fixture.Broadcaster.SendToConnectionAsync(ana.ConnectionId, Frame).DefaultTimeout();
        var closed = await fixture.Broadcaster.CloseConnectionAsync(ana.ConnectionId, 4003, "banned").DefaultTimeout();

        Assert.True(closed);
        await WaitForAsync(() => ana.Closed);
        Assert.Equal(Frame, Assert.Single(ana.Frames));
        Assert.False(bob.Closed);
        var after = await fixture.Broadcaster.SendToConnectionAsync(ana.ConnectionId, Frame).DefaultTimeout();
        Assert.Equal([ana.ConnectionId], after.GoneConnectionIds);
    }

    [Fact]
    public async Task CloseConnectionAsync_GoneConnection_ReturnsFalse()
    {
        await using var fixture = await CreateFixtureAsync();
        var ana = await fixture.AddAsync("live", "ana");
        ana.GoAway();

        Assert.False(await fixture.Broadcaster.CloseConnectionAsync(ana.ConnectionId, 1000, "bye").DefaultTimeout());
    }

    [Fact]
    public async Task SendToStreamAsync_ManyConcurrentBroadcasts_EachConnectionGetsEveryFrame()
    {
        await using var fixture = await CreateFixtureAsync();
        var recipients = new List<ITestRecipient>();
        for (var i = 0; i < 5; i++)
        {
            recipients.Add(await fixture.AddAsync("live", "user" + i));
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.Broadcaster.SendToStreamAsync("live", Frame))).DefaultTimeout();

        Assert.All(recipients, r => Assert.Equal(20, r.Frames.Count));
    }
}
