using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Moderation;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Moderation.Onnx.Tests;

/// <summary>
/// The default moderators with the embedding scorer on the batches the head never trained on, each scored once when
/// it was written (docs/moderation.md); the once-scored result is the floor. "Unsure" is what a remote moderator
/// (Comprehend on AWS) would be asked about.
/// </summary>
public sealed class HeldOutBatchTests(ITestOutputHelper output)
{
    /// <summary>
    /// embed-first-2026-12-07.tsv: written before the scorer existed; the patterns alone blocked 47 of 100 hostile lines
    /// and no clean one. Scored once with the first head: 72 blocked, 92 blocked or unsure; of 90 clean lines 0 blocked,
    /// 9 unsure. Measured again with the second classifier (head and neighbours, which never trained on it either, but
    /// was built after the first head's misses here were known; block from 0.8, unsure from 0.3): 77, 99; 0, 8. The floors
    /// are the second.
    /// </summary>
    [Fact]
    public async Task TheFirstEmbeddingBatch_HoldsItsMeasuredResult() =>
        await AssertFloorsAsync("embed-first-2026-12-07.tsv", blockedFloor: 77, unsureOrBlockedFloor: 99, maxCleanBlocked: 0, maxCleanUnsure: 8);

    /// <summary>
    /// embed-last-2026-12-07.tsv: written after the first head was trained and its thresholds chosen; the patterns alone
    /// block 11 of 51 hostile lines. Scored once with the first head: 26 blocked, 46 blocked or unsure; of 50 clean lines
    /// 1 blocked ("my sister will murder me if i lose her save file"), 6 unsure. Measured again with the second
    /// classifier (as above): 37, 51; 0, 12. Retrained on 2026-12-08 with the probe round's 95 clean lines (personal-data,
    /// profanity and spam look-alikes) among the training lines: 36, 51; 0, 12 (one line, "meet me in the parking lot and
    /// we'll see how tough you are", now just under the block bar; the other two batches scored as before). The floors are the last.
    /// </summary>
    [Fact]
    public async Task TheLastEmbeddingBatch_HoldsItsMeasuredResult() =>
        await AssertFloorsAsync("embed-last-2026-12-07.tsv", blockedFloor: 36, unsureOrBlockedFloor: 51, maxCleanBlocked: 0, maxCleanUnsure: 12);

    /// <summary>
    /// embed-final-2026-12-07.tsv: written after the second classifier was trained and every setting chosen; the
    /// patterns alone block 23 of 78 hostile lines and no clean one. Scored once with the scorer: 61 blocked, 74 blocked
    /// or unsure; of 80 clean lines 0 blocked, 17 unsure.
    /// </summary>
    [Fact]
    public async Task TheFinalEmbeddingBatch_HoldsItsOnceScoredResult() =>
        await AssertFloorsAsync("embed-final-2026-12-07.tsv", blockedFloor: 61, unsureOrBlockedFloor: 74, maxCleanBlocked: 0, maxCleanUnsure: 17);

    private async Task AssertFloorsAsync(string file, int blockedFloor, int unsureOrBlockedFloor, int maxCleanBlocked, int maxCleanUnsure)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddStreamChatCore().AddSentenceEmbeddingHostility();
        await using var provider = services.BuildServiceProvider();
        var moderators = provider.GetServices<IMessageModerator>().ToArray();
        var scorer = provider.GetRequiredService<IHostilityScorer>();
        var unsureAt = provider.GetRequiredService<IOptions<StreamChatOptions>>().Value.Moderation.Hostility.UnsureThreshold;

        var lines = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Corpus", file), Encoding.UTF8)
            .Where(static l => l.Length > 0 && !l.StartsWith('#'))
            .Select(static l => l.Split('\t', 3))
            .ToList();
        int hostile = 0, blocked = 0, unsureOrBlocked = 0, clean = 0, cleanBlocked = 0, cleanUnsure = 0;
        var report = new StringBuilder();
        foreach (var (expected, label, text) in lines.Select(static p => (p[0], p[1], p[2])))
        {
            var context = new ModerationContext(text, "corpus", "u", "c", "m");
            var isBlocked = false;
            foreach (var moderator in moderators)
            {
                var verdict = await moderator.ModerateAsync(context);
                if (verdict.IsBlocked || verdict.IsRedacted)
                {
                    isBlocked = true;
                    break;
                }
            }

            var score = scorer.Score(context.Text);
            var unsure = !isBlocked && score.Value >= unsureAt;
            if (expected == "block")
            {
                hostile++;
                blocked += isBlocked ? 1 : 0;
                unsureOrBlocked += isBlocked || unsure ? 1 : 0;
            }
            else
            {
                clean++;
                cleanBlocked += isBlocked ? 1 : 0;
                cleanUnsure += unsure ? 1 : 0;
            }

            if ((expected == "block") != isBlocked)
            {
                report.AppendLine($"{label,-24} expected {expected,-5} got {(isBlocked ? "block" : unsure ? "unsure" : "allow")} ({score.Value:F2} {score.Rule}): {text}");
            }
        }

        var summary = $"{file} with the embedding scorer: hostile {blocked}/{hostile} blocked, {unsureOrBlocked}/{hostile} blocked or unsure; clean {cleanBlocked}/{clean} blocked, {cleanUnsure}/{clean} unsure.";
        output.WriteLine(summary);
        output.WriteLine(report.ToString());
        TestReports.Write("embedding-" + Path.GetFileNameWithoutExtension(file), summary + "\n\n" + report);
        Assert.True(blocked >= blockedFloor, summary);
        Assert.True(unsureOrBlocked >= unsureOrBlockedFloor, summary);
        Assert.True(cleanBlocked <= maxCleanBlocked, summary);
        Assert.True(cleanUnsure <= maxCleanUnsure, summary);
    }
}
