using Microsoft.Extensions.DependencyInjection;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Core.Connections;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.DynamoDb;

/// <summary>One sender's order across Lambda sandboxes: two providers over one table play two sandboxes.</summary>
public sealed class DynamoDbFrameSequencerTests : IAsyncLifetime
{
    /// <summary>
    /// The longest a frame waits for its predecessors here: 2 s, so that a test's own short pause, stretched on a busy
    /// two-core CI machine, does not outlast it (at 600 ms one did, and a frame that should still have been waiting had
    /// already given up).
    /// </summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    private ServiceProvider _a = null!;
    private ServiceProvider _b = null!;

    public async Task InitializeAsync()
    {
        string? table = null;
        _a = await Dynalite.StartAsync(TimeProvider.System, o => table = o.RateLimitsTableName, s => s.Configure<StreamChatOptions>(o => o.MaxFrameOrderWait = Wait));
        _b = await Dynalite.StartAsync(TimeProvider.System, o => o.RateLimitsTableName = table!, s => s.Configure<StreamChatOptions>(o => o.MaxFrameOrderWait = Wait));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private IFrameSequencer A => _a.GetRequiredService<IFrameSequencer>();

    private IFrameSequencer B => _b.GetRequiredService<IFrameSequencer>();

    [Fact]
    public async Task FirstFrame_GoesAtOnce()
    {
        Assert.True(await A.WaitForTurnAsync("c1", 1).AsTask().DefaultTimeout());
    }

    [Fact]
    public async Task LaterFrame_WaitsInAnotherSandbox_UntilItsPredecessorIsHandled()
    {
        var second = B.WaitForTurnAsync("c2", 2).AsTask();
        await Task.Delay(150);
        Assert.False(second.IsCompleted);

        Assert.True(await A.WaitForTurnAsync("c2", 1).AsTask().DefaultTimeout());
        await A.CompleteAsync("c2", 1);

        Assert.True(await second.DefaultTimeout());
        var third = A.WaitForTurnAsync("c2", 3).AsTask();
        await B.CompleteAsync("c2", 2);
        Assert.True(await third.DefaultTimeout());
    }

    [Fact]
    public async Task LostPredecessor_TheWaitEndsAtItsBound_AndTheNumberNeverGoesBack()
    {
        var started = DateTime.UtcNow;
        Assert.False(await A.WaitForTurnAsync("c3", 5).AsTask().DefaultTimeout());
        Assert.InRange(DateTime.UtcNow - started, Wait - TimeSpan.FromMilliseconds(50), Wait + TimeSpan.FromSeconds(3));

        await A.CompleteAsync("c3", 5);
        await B.CompleteAsync("c3", 2); // a late, slower frame finishing after its successor
        Assert.True(await B.WaitForTurnAsync("c3", 6).AsTask().DefaultTimeout());
    }

    [Fact]
    public async Task Connections_AreSequencedApart()
    {
        // c5's second frame waits out its bound for a first frame that never comes, while c4's goes at once: one
        // connection's numbers never hold up another's. Timed from the start, not by a pause of the test's own.
        await A.CompleteAsync("c4", 1);
        var started = DateTime.UtcNow;
        var other = B.WaitForTurnAsync("c5", 2).AsTask();
        Assert.True(await B.WaitForTurnAsync("c4", 2).AsTask().DefaultTimeout());
        Assert.False(await other.DefaultTimeout());
        Assert.True(DateTime.UtcNow - started >= Wait - TimeSpan.FromMilliseconds(50), "c5's frame did not wait for its predecessor.");
    }
}
