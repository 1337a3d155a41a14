namespace StreamChat.Core.Connections.Internal;

/// <summary>The default for hosts that hand a connection's frames to the pipeline one at a time (ASP.NET Core): every frame's turn is now.</summary>
internal sealed class ImmediateFrameSequencer : IFrameSequencer
{
    public ValueTask<bool> WaitForTurnAsync(string connectionId, long sequence, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);

    public ValueTask CompleteAsync(string connectionId, long sequence, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
