using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.Moderation;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Core.Tests.Moderation;

/// <summary>
/// Scores the default local moderators (as <c>AddStreamChatCore</c> registers them, in their order) on the labelled
/// corpus in Corpus/*.tsv: recall of block per category (profanity, spam, personal data, hostility) and per class, and
/// false positives on clean messages. Each line is <c>expected&lt;TAB&gt;category[/class]&lt;TAB&gt;text</c>.
/// </summary>
public sealed class CorpusScoringTests
{
    internal static readonly string[] BlockCategories = ["profanity", "spam", "pii", "toxicity"];
    internal static readonly string[] AllowCategories = ["benign", "game", "lookalike"];
    private static readonly string[] AssertedCategories = ["profanity", "spam", "pii"];


    private readonly ITestOutputHelper _output;

    public CorpusScoringTests(ITestOutputHelper output) => _output = output;

    internal sealed record Line(string Expected, string Category, string Class, string Text, string File);

    internal static List<Line> LoadCorpus(string? file = null)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Moderation", "Corpus");
        var files = file is null ? Directory.GetFiles(directory, "*.tsv").Order(StringComparer.Ordinal).ToArray() : [Path.Combine(directory, file)];
        return files
            .SelectMany(static path => File.ReadLines(path, Encoding.UTF8)
                .Where(static l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split('\t', 3))
                .Select(p => new Line(p[0], p[1].Split('/')[0], p[1], p[2], Path.GetFileName(path))))
            .ToList();
    }

    /// <summary>The default local moderators in registration order, with a clock that never moves.</summary>
    internal static (ServiceProvider Provider, IMessageModerator[] Chain) DefaultChain()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)));
        services.AddLogging();
        services.AddStreamChatCore();
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetServices<IMessageModerator>().ToArray());
    }

    internal static async Task<Score> ScoreAsync(IReadOnlyList<IMessageModerator> chain, IEnumerable<Line> corpus)
    {
        var score = new Score();
        var user = 0;
        foreach (var line in corpus)
        {
            // A user of its own per message, so the duplicate rule never links two corpus lines.
            var context = new ModerationContext(line.Text, "corpus", "user-" + user++, "c", "m");
            var verdict = ModerationResult.Allowed;
            foreach (var moderator in chain)
            {
                verdict = await moderator.ModerateAsync(context);
                if (verdict.IsBlocked || verdict.IsRedacted)
                {
                    break;
                }
            }

            var caught = verdict.IsBlocked || verdict.IsRedacted;
            var rightReason = caught && ProtocolReason(verdict.Reason!.Value) == line.Category;
            score.Add(line, caught, rightReason);
            if (caught && line.Expected == "allow")
            {
                var reason = ProtocolReason(verdict.Reason!.Value);
                score.CleanBlockedFor[reason] = score.CleanBlockedFor.GetValueOrDefault(reason) + 1;
            }

            if (caught != (line.Expected == "block"))
            {
                score.Mistakes.Add($"{line.Class,-24} expected {line.Expected,-5} got {(caught ? "block (" + verdict.Rule + ")" : "allow")}: {line.Text}");
            }
        }

        return score;
    }

    /// <summary>The first corpus (moderation-corpus.tsv) holds the targets it was written for: 97% recall, 1% false positives.</summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheFirstCorpus_MeetsItsRecallAndFalsePositiveTargets()
    {
        var (score, report) = await ScoreAndReportAsync("moderation-corpus.tsv", "moderation-corpus");
        Assert.True(score.Mistakes.Count < 20, report);
        foreach (var category in AssertedCategories)
        {
            var (total, caught, _) = score.Categories[category];
            Assert.True(caught >= 0.97 * total, $"Recall for {category} is {caught}/{total}, below 97%.\n{report}\n{string.Join('\n', score.Mistakes)}");
        }

        var clean = AllowCategories.Sum(c => score.Categories[c].Total);
        var falsePositives = AllowCategories.Sum(c => score.Categories[c].Caught);
        Assert.True(falsePositives <= 0.01 * clean, $"{falsePositives} of {clean} clean messages were blocked, over 1%.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    /// <summary>
    /// Issue 15's targets over the project's whole corpus (every Corpus/*.tsv): recall at least 99% for personal data,
    /// profanity and spam, and at most 0.5% of the clean lines blocked for one of those reasons. Hostility has no
    /// target there; its recall and false positives are reported (docs/moderation.md).
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheWholeCorpus_MeetsTheRecallAndFalsePositiveTargets()
    {
        var (score, report) = await ScoreAndReportAsync(null, "moderation-corpus-whole");
        foreach (var category in AssertedCategories)
        {
            var (total, caught, _) = score.Categories[category];
            Assert.True(caught >= 0.99 * total, $"Recall for {category} is {caught}/{total}, below 99%.\n{report}\n{string.Join('\n', score.Mistakes)}");
        }

        var clean = AllowCategories.Sum(c => score.Categories.GetValueOrDefault(c).Total);
        var blocked = AssertedCategories.Sum(c => score.CleanBlockedFor.GetValueOrDefault(c));
        Assert.True(blocked <= 0.005 * clean, $"{blocked} of {clean} clean lines blocked for personal data, profanity or spam, over 0.5%.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    /// <summary>
    /// The classes the first rules missed (classes-2026-12.tsv, issue 15), held at the scores reached so far so no change
    /// can lose what was gained. The issue's targets are asserted over the whole corpus (see above); hostility's is
    /// only a floor here, as it has no target.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheMissedClasses_DoesNotFallBelowTheScoresReachedSoFar()
    {
        // Toxicity was 128 before "what a / such a" + insult needed a person named (ordinary chat said "what a loser move").
        await AssertFloorsAsync("classes-2026-12.tsv", "moderation-corpus-classes", "reached so far", maxFalsePositives: 0, ("profanity", 129), ("spam", 100), ("pii", 247), ("toxicity", 126));
    }

    /// <summary>
    /// The fresh batch (fresh-2026-12-02.tsv), written after the first round of rules and scored once as written: profanity
    /// 9/12, spam 8/8, pii 22/23, toxicity 21/48, 3 of 58 clean blocked (docs/moderation.md). Its misses were seen before
    /// the second round of hostility rules, so what it scores since (the floors: profanity 10, toxicity 28, 2 clean
    /// blocked) is no longer blind; last-2026-12-02.tsv is.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheFreshBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("fresh-2026-12-02.tsv", "moderation-corpus-fresh", "of the once-scored fresh batch", maxFalsePositives: 2, ("profanity", 10), ("spam", 8), ("pii", 22), ("toxicity", 28));
    }

    /// <summary>
    /// Hostility round 2 (hostility-round2-2026-12-02.tsv): written before the second round of hostility rules and scored
    /// once (toxicity 41/90, 3 of 45 clean blocked), then tuned on; the floors are the score after tuning (86/90, 1).
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnHostilityRoundTwo_DoesNotFallBelowTheScoresReachedSoFar()
    {
        await AssertFloorsAsync("hostility-round2-2026-12-02.tsv", "moderation-corpus-hostility-round2", "reached so far", maxFalsePositives: 1, ("toxicity", 86));
    }

    /// <summary>
    /// The last batch (last-2026-12-02.tsv): written after the second round of rules and scored once (toxicity 22/55, 3 of
    /// 34 clean blocked); nothing was tuned on it. Its one score is the floor.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheLastBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("last-2026-12-02.tsv", "moderation-corpus-last", "of the once-scored last batch", maxFalsePositives: 3, ("toxicity", 22));
    }

    /// <summary>
    /// The clean chat batch (clean-2026-12-02.tsv): 80 lines of ordinary chat, scored once as written: 3 blocked ("i'm such
    /// an idiot", "what a loser move", a villain "such a creep"). The "what a / such a" patterns then learnt to need a
    /// person named, so the 0 it scores now is no longer blind.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheCleanChatBatch_BlocksNothing()
    {
        await AssertFloorsAsync("clean-2026-12-02.tsv", "moderation-corpus-clean", "of the clean batch", maxFalsePositives: 0);
    }

    /// <summary>
    /// Profanity round 2 (profanity-round2-2026-12-02.tsv): written before the phrase, symbol-for-any-letter and
    /// dropped-consonant rules and scored once (profanity 50/65, 1 of 40 look-alikes blocked); the floors are the score after them (65/65, the
    /// same 1: "dyke" in lower case stays on the list).
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnProfanityRoundTwo_DoesNotFallBelowTheScoresReachedSoFar()
    {
        await AssertFloorsAsync("profanity-round2-2026-12-02.tsv", "moderation-corpus-profanity-round2", "reached so far", maxFalsePositives: 1, ("profanity", 65));
    }

    /// <summary>
    /// The profanity last batch (profanity-last-2026-12-02.tsv): written after the second round of profanity rules and
    /// scored once (profanity 58/60, 1 of 40 look-alikes blocked); nothing was tuned on it. Its one score is the floor.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheProfanityLastBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("profanity-last-2026-12-02.tsv", "moderation-corpus-profanity-last", "of the once-scored profanity last batch", maxFalsePositives: 1, ("profanity", 58));
    }

    /// <summary>
    /// The embedding batch (embed-first-2026-12-07.tsv): written before the sentence-embedding scorer existed, scored
    /// once as written with the patterns (the floors) and once with the model, which never trains on it
    /// (StreamChat.Moderation.Onnx.Tests hold that score).
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheEmbeddingBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("embed-first-2026-12-07.tsv", "moderation-corpus-embed-first", "of the once-scored embedding batch", maxFalsePositives: 0, ("toxicity", 47));
    }

    /// <summary>
    /// The embedding last batch (embed-last-2026-12-07.tsv): written after the embedding scorer was trained and its
    /// thresholds chosen, scored once with the patterns (the floors) and once with the model, which never trains on it.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheEmbeddingLastBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("embed-last-2026-12-07.tsv", "moderation-corpus-embed-last", "of the once-scored embedding last batch", maxFalsePositives: 0, ("toxicity", 11));
    }

    /// <summary>The embedding training batch (train-embedding-2026-12-07.tsv), scored once with the patterns as written.</summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheEmbeddingTrainingBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("train-embedding-2026-12-07.tsv", "moderation-corpus-train-embedding", "of the once-scored embedding training batch", maxFalsePositives: 0, ("toxicity", 20));
    }

    /// <summary>
    /// The embedding final batch (embed-final-2026-12-07.tsv): written after the second classifier was trained and every
    /// setting chosen, scored once with the patterns (the floors) and once with the classifier, which never trains on it.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheEmbeddingFinalBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("embed-final-2026-12-07.tsv", "moderation-corpus-embed-final", "of the once-scored embedding final batch", maxFalsePositives: 0, ("toxicity", 23));
    }

    /// <summary>The second embedding training batch (train-embedding-2-2026-12-07.tsv), scored once with the patterns as written.</summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheSecondEmbeddingTrainingBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("train-embedding-2-2026-12-07.tsv", "moderation-corpus-train-embedding-2", "of the once-scored second embedding training batch", maxFalsePositives: 5, ("toxicity", 19));
    }

    /// <summary>
    /// The probe batch (probe-2026-12-08.tsv): personal data, profanity and spam in phrasings and formats the corpus
    /// lacked (lines that copied or nearly copied a corpus line were rewritten before scoring), scored once as written
    /// (pii 54/60, profanity 32/37, spam 20/22, 1 of 64 clean blocked), then tuned on; the floors are the score after
    /// (60, 36, 22, 0; "pos game" stays a miss: "pos" is also a position and Mexican Spanish for "pues").
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheProbeBatch_DoesNotFallBelowTheScoresReachedSoFar()
    {
        await AssertFloorsAsync("probe-2026-12-08.tsv", "moderation-corpus-probe", "reached so far", maxFalsePositives: 0, ("pii", 60), ("profanity", 36), ("spam", 22));
    }

    /// <summary>
    /// The probe round's final batch (probe-final-2026-12-08.tsv): written after the probe round's rule changes and
    /// scored once as written (pii 33/35, profanity 22/23, spam 13/13, 1 of 31 clean blocked); no rule was tuned on its
    /// lines. Its one clean line blocked, "let's go!!", showed an old bug (trailing "!!" read as any two letters: "gook"),
    /// mended for all text, so it now blocks none; the once-scored result is the floor.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheProbeFinalBatch_HoldsItsOnceScoredResult()
    {
        await AssertFloorsAsync("probe-final-2026-12-08.tsv", "moderation-corpus-probe-final", "of the once-scored probe final batch", maxFalsePositives: 1, ("pii", 33), ("profanity", 22), ("spam", 13));
    }

    private async Task AssertFloorsAsync(string file, string reportName, string what, int maxFalsePositives, params (string Category, int Floor)[] floors)
    {
        var (score, report) = await ScoreAndReportAsync(file, reportName);
        foreach (var (category, floor) in floors)
        {
            var (total, caught, _) = score.Categories.GetValueOrDefault(category);
            Assert.True(caught >= floor, $"{category}: {caught}/{total} caught, below the {floor} {what}.\n{report}");
        }

        var falsePositives = AllowCategories.Sum(c => score.Categories.GetValueOrDefault(c).Caught);
        Assert.True(falsePositives <= maxFalsePositives, $"{falsePositives} clean messages blocked, more than the {maxFalsePositives} {what}.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    /// <summary>Scores one corpus file, or every one when <paramref name="file"/> is null, and writes the report.</summary>
    private async Task<(Score Score, string Report)> ScoreAndReportAsync(string? file, string reportName)
    {
        var (provider, chain) = DefaultChain();
        await using var _ = provider;
        var corpus = LoadCorpus(file);
        var score = await ScoreAsync(chain, corpus);
        var report = $"Moderation corpus {file ?? "(every file)"} ({corpus.Count} messages), default local moderators:\n{score.CategoryTable()}\nBy class:\n{score.ClassTable()}"
            + "Clean lines blocked, by reason: " + string.Join(", ", score.CleanBlockedFor.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => $"{p.Key} {p.Value}")) + "\n";
        _output.WriteLine(report);
        TestReports.Write(reportName, report + (score.Mistakes.Count > 0 ? "Misses:\n" + string.Join('\n', score.Mistakes) + "\n" : string.Empty));
        foreach (var mistake in score.Mistakes)
        {
            _output.WriteLine(mistake);
        }

        return (score, report);
    }

    private static string ProtocolReason(StreamChat.Core.Protocol.BlockReason reason) => reason switch
    {
        StreamChat.Core.Protocol.BlockReason.Pii => "pii",
        StreamChat.Core.Protocol.BlockReason.Profanity => "profanity",
        StreamChat.Core.Protocol.BlockReason.Spam => "spam",
        StreamChat.Core.Protocol.BlockReason.Toxicity => "toxicity",
        _ => reason.ToString(),
    };

    internal sealed class Score
    {
        public Dictionary<string, (int Total, int Caught, int RightReason)> Categories { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<string, (string Expected, int Total, int Caught)> Classes { get; } = new(StringComparer.Ordinal);

        public List<string> Mistakes { get; } = [];

        /// <summary>Clean lines (benign, game, look-alike) blocked, by the reason they were blocked for.</summary>
        public Dictionary<string, int> CleanBlockedFor { get; } = new(StringComparer.Ordinal);

        public void Add(Line line, bool caught, bool rightReason)
        {
            var c = Categories.GetValueOrDefault(line.Category);
            Categories[line.Category] = (c.Total + 1, c.Caught + (caught ? 1 : 0), c.RightReason + (rightReason ? 1 : 0));
            var k = Classes.GetValueOrDefault(line.Class, (Expected: line.Expected, Total: 0, Caught: 0));
            Classes[line.Class] = (line.Expected, k.Total + 1, k.Caught + (caught ? 1 : 0));
        }

        public string CategoryTable()
        {
            var builder = new StringBuilder();
            builder.AppendLine("| category | expected | messages | blocked or redacted | rate | for its own reason |");
            builder.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (var category in BlockCategories.Concat(AllowCategories))
            {
                var (total, caught, right) = Categories.GetValueOrDefault(category);
                var block = BlockCategories.Contains(category);
                builder.AppendLine(CultureInfo.InvariantCulture, $"| {category} | {(block ? "block" : "allow")} | {total} | {caught} | {Rate(block, total, caught)} | {(block ? right.ToString(CultureInfo.InvariantCulture) : "-")} |");
            }

            return builder.ToString();
        }

        public string ClassTable()
        {
            var builder = new StringBuilder();
            builder.AppendLine("| class | expected | messages | blocked or redacted | rate |");
            builder.AppendLine("|---|---|---:|---:|---:|");
            foreach (var (name, (expected, total, caught)) in Classes.Where(static c => c.Key.Contains('/', StringComparison.Ordinal)))
            {
                builder.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {expected} | {total} | {caught} | {Rate(expected == "block", total, caught)} |");
            }

            return builder.ToString();
        }

        private static string Rate(bool block, int total, int caught) =>
            (block ? "recall " : "false positives ") + (total == 0 ? 0 : 100.0 * caught / total).ToString("0.0", CultureInfo.InvariantCulture) + "%";
    }
}
