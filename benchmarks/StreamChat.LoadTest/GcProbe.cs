using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace StreamChat.LoadTest;

/// <summary>
/// Asks a .NET server for a full, blocking garbage collection over its diagnostics port (the GCHeapCollect keyword,
/// the way dotnet-gcdump does) and reads the managed heap size that the runtime reports right after it. Resident
/// memory alone cannot tell a leak from garbage the GC has not collected yet, or from pages it keeps committed; the
/// heap after a full GC can. Works for any .NET process, so both servers are measured the same way.
/// </summary>
internal static class GcProbe
{
    /// <summary>The managed heap in MB after an induced full GC (all generations, pinned and large objects), or null.</summary>
    public static async Task<double?> HeapAfterFullGcMbAsync(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
            var client = new DiagnosticsClient(pid.Value);
            using var session = await client.StartEventPipeSessionAsync(
                [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)],
                requestRundown: false,
                circularBufferMB: 64,
                CancellationToken.None);

            var result = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            var reading = Task.Run(() =>
            {
                using var source = new EventPipeEventSource(session.EventStream);
                var inducedFull = false;
                source.Clr.GCStart += data => inducedFull |= data.Depth == 2 && data.Reason is GCReason.Induced or GCReason.InducedNotForced;
                source.Clr.GCHeapStats += data =>
                {
                    if (inducedFull)
                    {
                        var bytes = data.GenerationSize0 + data.GenerationSize1 + data.GenerationSize2 + data.GenerationSize3 + data.GenerationSize4;
                        result.TrySetResult(bytes / 1024.0 / 1024.0);
                    }
                };
                source.Process();
            });

            var done = await Task.WhenAny(result.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            await session.StopAsync(CancellationToken.None);
            await reading;
            return done == result.Task ? result.Task.Result : null;
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
        {
            Console.Error.WriteLine("GC probe failed: " + ex.Message);
            return null;
        }
    }
}
