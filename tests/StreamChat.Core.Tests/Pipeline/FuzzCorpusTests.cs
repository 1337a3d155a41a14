using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Moderation;
using StreamChat.Core.Pipeline;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Pipeline;

/// <summary>
/// Every input in fuzz/corpus (the seeds, and what AFL++ found new coverage with in fuzz/run.sh's runs) replayed the
/// way the fuzz harness runs it: through the pipeline, then through each moderator. None may throw or be answered with
/// <c>internal_error</c>, so a finding once fixed stays fixed on every test run, without AFL.
/// </summary>
public sealed class FuzzCorpusTests
{
    [Fact]
    public async Task EveryCorpusInput_IsAnsweredWithoutAnExceptionOrInternalError()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "FuzzCorpus")).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        var sent = new List<string>();
        var broadcaster = Substitute.For<IChatBroadcaster>();
        broadcaster.SendToConnectionAsync(default!, default, default).ReturnsForAnyArgs(call =>
        {
            sent.Add(Encoding.UTF8.GetString(call.ArgAt<ReadOnlyMemory<byte>>(1).Span));
            return new BroadcastResult(1);
        });
        broadcaster.SendToStreamAsync(default!, default, default, default).ReturnsForAnyArgs(new BroadcastResult(1));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(broadcaster);
        services.AddStreamChatCore(o =>
        {
            o.AllowDevelopmentIdentity = true;
            o.RateLimits.Enabled = false;
            o.Moderation.Spam.BlockDuplicates = false;
        });
        await using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<IChatPipeline>();
        var moderators = provider.GetServices<IMessageModerator>().ToArray();
        Assert.True((await pipeline.ConnectAsync(new ConnectRequest("c-fuzz", "fuzz", "fuzzer", "Fuzzer"))).IsAccepted);

        var failures = new List<string>();
        foreach (var file in files)
        {
            var input = await File.ReadAllBytesAsync(file);
            sent.Clear();
            try
            {
                await pipeline.MessageAsync("c-fuzz", input).DefaultTimeout();
                var context = new ModerationContext(Encoding.UTF8.GetString(input), "fuzz", "fuzzer", "c-fuzz", "m-fuzz");
                foreach (var moderator in moderators)
                {
                    await moderator.ModerateAsync(context);
                }
            }
            catch (Exception ex)
            {
                failures.Add($"{Path.GetFileName(file)}: {ex.GetType().Name}: {ex.Message}");
            }

            if (sent.Exists(static frame => frame.Contains("\"code\":\"internal_error\"", StringComparison.Ordinal)))
            {
                failures.Add($"{Path.GetFileName(file)}: answered internal_error");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} inputs failed:\n" + string.Join('\n', failures.Take(20)));
    }
}
