using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StreamChat.Core.Internal;

namespace StreamChat.Core.Folding.Internal;

/// <summary>
/// Work the pipeline starts and does not wait for (a folded frame due shortly). A long-lived host lets it run; a host
/// whose process may freeze between requests (Lambda) waits for it with <see cref="WhenIdleAsync"/> before it ends
/// an invocation. Failures are logged; disposing cancels what is still waiting.
/// </summary>
internal sealed partial class ChatDeferredWork : IDisposable
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private volatile bool _disposed;

    public ChatDeferredWork(ILogger<ChatDeferredWork> logger) => _logger = logger;

    /// <summary>Gets how many pieces of work are running or waiting.</summary>
    public int Pending => _running.Count;

    /// <summary>Starts <paramref name="work"/> in the background.</summary>
    public void Run(string what, Func<CancellationToken, Task> work)
    {
        if (_disposed)
        {
            return;
        }

        var token = _stopping.Token;
        var task = Task.Run(async () =>
        {
            try
            {
                await work(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex.IsFailure(token))
            {
                Log.DeferredWorkFailed(_logger, what, ex);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Shutting down.
            }
        });
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _running, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits until no deferred work is left, including work started by the work it waits for.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (!_running.IsEmpty)
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Deferred work '{What}' failed.", EventName = "DeferredWorkFailed")]
        public static partial void DeferredWorkFailed(ILogger logger, string what, Exception exception);
    }
}
