using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace StreamChat.Testing;

/// <summary>Bounds every awaited call in a test, so a hang fails with a message instead of stalling the run.</summary>
internal static class TaskTimeoutExtensions
{
    public static TimeSpan DefaultTimeoutSpan { get; } = Debugger.IsAttached ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(15);

    public static Task DefaultTimeout(this Task task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.TimeoutAfter(DefaultTimeoutSpan, file, line);

    public static Task<T> DefaultTimeout<T>(this Task<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.TimeoutAfter(DefaultTimeoutSpan, file, line);

    public static Task DefaultTimeout(this ValueTask task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.AsTask().TimeoutAfter(DefaultTimeoutSpan, file, line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, [CallerFilePath] string? file = null, [CallerLineNumber] int line = 0) =>
        task.AsTask().TimeoutAfter(DefaultTimeoutSpan, file, line);

    public static async Task TimeoutAfter(this Task task, TimeSpan timeout, string? file = null, int line = 0)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Operation timed out after {timeout} at {file}:{line}.");
        }
    }

    public static async Task<T> TimeoutAfter<T>(this Task<T> task, TimeSpan timeout, string? file = null, int line = 0)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Operation timed out after {timeout} at {file}:{line}.");
        }
    }
}
