// The fuzz harness (issue 19): AFL++ drives it through SharpFuzz with bytes that stand for one client frame. Each input
// goes through the whole chat pipeline (the frame parser, the action handlers, text hygiene, the policies and all the
// default moderators, on the in-memory stores) and, read as text, through every moderator on its own. A finding is any
// exception that escapes, and any internal_error the pipeline sends: a bad frame must be answered with its own error,
// never with "an unexpected error". Run it with fuzz/run.sh; `dotnet run -- FILE...` replays inputs without AFL.
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SharpFuzz;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Moderation;
using StreamChat.Core.Pipeline;

// Built on the first input, inside the fuzzer: the instrumented library may run no code before Fuzzer.Run has set up
// AFL's shared memory (its edge counters would have nowhere to go).
Harness? harness = null;

void Target(byte[] input)
{
    harness ??= Harness.Create();
    harness.Pipeline.MessageAsync("c-fuzz", input).AsTask().GetAwaiter().GetResult();
    if (Interlocked.Exchange(ref harness.Broadcaster.InternalError, null) is { } answer)
    {
        throw new InvalidOperationException("The pipeline answered internal_error: " + answer);
    }

    var text = Encoding.UTF8.GetString(input);
    var context = new ModerationContext(text, "fuzz", "fuzzer", "c-fuzz", "m-fuzz");
    foreach (var moderator in harness.Moderators)
    {
        moderator.ModerateAsync(context).AsTask().GetAwaiter().GetResult();
    }
}

if (args.Length > 0)
{
    // Replay: each file once, as AFL would have given it; a finding throws here with its stack.
    foreach (var file in args.SelectMany(a => Directory.Exists(a) ? Directory.GetFiles(a) : [a]))
    {
        Target(File.ReadAllBytes(file));
    }

    Console.WriteLine($"{args.Length} path(s) replayed, no finding.");
    return;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    Target(buffer.ToArray());
});

/// <summary>The pipeline on the in-memory stores with one connection open, and the default moderators.</summary>
internal sealed record Harness(IChatPipeline Pipeline, IMessageModerator[] Moderators, CheckingBroadcaster Broadcaster)
{
    public static Harness Create()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var broadcaster = new CheckingBroadcaster();
        services.AddSingleton<IChatBroadcaster>(broadcaster);
        services.AddStreamChatCore(o =>
        {
            o.AllowDevelopmentIdentity = true;
            o.RateLimits.Enabled = false;
            o.Moderation.Spam.BlockDuplicates = false;
        });
        var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<IChatPipeline>();
        if (!pipeline.ConnectAsync(new ConnectRequest("c-fuzz", "fuzz", "fuzzer", "Fuzzer")).AsTask().GetAwaiter().GetResult().IsAccepted)
        {
            throw new InvalidOperationException("The harness could not connect.");
        }

        return new Harness(pipeline, [.. provider.GetServices<IMessageModerator>()], broadcaster);
    }
}

/// <summary>Delivers nowhere, and keeps an <c>internal_error</c> answer for the harness to turn into a crash AFL records.</summary>
internal sealed class CheckingBroadcaster : IChatBroadcaster
{
    private static readonly byte[] InternalErrorCode = "\"code\":\"internal_error\""u8.ToArray();

    public string? InternalError;

    public Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new BroadcastResult(1));

    public Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        if (frame.Span.IndexOf(InternalErrorCode) >= 0)
        {
            InternalError = Encoding.UTF8.GetString(frame.Span);
        }

        return Task.FromResult(new BroadcastResult(1));
    }
}
