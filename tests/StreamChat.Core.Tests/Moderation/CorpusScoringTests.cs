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
    /// The classes the first rules missed (classes-2026-12.tsv, issue 15). ISSUE 15 IS UNFINISHED: its targets (99% recall
    /// per category, 0.5% false positives) are not met yet. Until they are, this holds the scores reached so far as floors,
    /// so no change can lose what was gained; raise them as rules land, and replace them with the targets at the end.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheMissedClasses_DoesNotFallBelowTheScoresReachedSoFar()
    {
        var (score, report) = await ScoreAndReportAsync("classes-2026-12.tsv", "moderation-corpus-classes");
        var floors = new Dictionary<string, int>(StringComparer.Ordinal) { ["profanity"] = 124, ["spam"] = 100, ["pii"] = 247, ["toxicity"] = 126 }; // 128 before "what a"/"such a" + insult needed a person named (ordinary chat said "what a loser move")
        foreach (var (category, floor) in floors)
        {
            var (total, caught, _) = score.Categories[category];
            Assert.True(caught >= floor, $"{category}: {caught}/{total} caught, below the {floor} reached before.\n{report}");
        }

        var falsePositives = AllowCategories.Sum(c => score.Categories[c].Caught);
        Assert.True(falsePositives == 0, $"{falsePositives} clean messages blocked; none were after the personal-data, profanity and spam rules landed.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    /// <summary>
    /// The fresh batch (fresh-2026-12-02.tsv), written after the rules were tuned and scored once as written: its score
    /// measures how the rules hold up on lines they were not fitted to. The floors are that one score; the rules were not
    /// changed for this file, and when they change for other reasons this test says whether they still hold up.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheFreshBatch_HoldsItsOnceScoredResult()
    {
        var (score, report) = await ScoreAndReportAsync("fresh-2026-12-02.tsv", "moderation-corpus-fresh");
        var floors = new Dictionary<string, int>(StringComparer.Ordinal) { ["profanity"] = FreshFloorProfanity, ["spam"] = FreshFloorSpam, ["pii"] = FreshFloorPii, ["toxicity"] = FreshFloorToxicity };
        foreach (var (category, floor) in floors)
        {
            var (total, caught, _) = score.Categories[category];
            Assert.True(caught >= floor, $"{category}: {caught}/{total} caught, below the {floor} of the once-scored fresh batch.\n{report}");
        }

        var falsePositives = AllowCategories.Sum(c => score.Categories[c].Caught);
        Assert.True(falsePositives <= FreshMaxFalsePositives, $"{falsePositives} clean messages blocked, more than the {FreshMaxFalsePositives} of the once-scored fresh batch.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    // The one score of 2026-12-02 (docs/moderation.md): profanity 9/12, spam 8/8, pii 22/23, toxicity 21/48, 3 of 58 clean blocked.
    /// <summary>
    /// Hostility round 2 (hostility-round2-2026-12-02.tsv): written before the second round of hostility rules, scored once
    /// (toxicity 41/90), then tuned on; the floors are the score after tuning.
    /// </summary>
    [Fact]
    public async Task DefaultLocalModeration_OnHostilityRoundTwo_DoesNotFallBelowTheScoresReachedSoFar()
    {
        var (score, report) = await ScoreAndReportAsync("hostility-round2-2026-12-02.tsv", "moderation-corpus-hostility-round2");
        var (total, caught, _) = score.Categories["toxicity"];
        Assert.True(caught >= RoundTwoFloorToxicity, $"toxicity: {caught}/{total} caught, below the {RoundTwoFloorToxicity} reached before.\n{report}");
        var falsePositives = AllowCategories.Sum(c => score.Categories[c].Caught);
        Assert.True(falsePositives <= RoundTwoMaxFalsePositives, $"{falsePositives} clean messages blocked.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    // First score 41/90 with 3 of 45 clean blocked; after the second round 86/90 with 1.
    private const int RoundTwoFloorToxicity = 86;
    private const int RoundTwoMaxFalsePositives = 1;

    /// <summary>The last batch (last-2026-12-02.tsv): written after the second round of rules, scored once; its one score is the floor.</summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheLastBatch_HoldsItsOnceScoredResult()
    {
        var (score, report) = await ScoreAndReportAsync("last-2026-12-02.tsv", "moderation-corpus-last");
        var (total, caught, _) = score.Categories["toxicity"];
        Assert.True(caught >= LastFloorToxicity, $"toxicity: {caught}/{total} caught, below the {LastFloorToxicity} of the once-scored last batch.\n{report}");
        var falsePositives = AllowCategories.Sum(c => score.Categories[c].Caught);
        Assert.True(falsePositives <= LastMaxFalsePositives, $"{falsePositives} clean messages blocked, more than the {LastMaxFalsePositives} of the once-scored last batch.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    // The one score of 2026-12-02 (docs/moderation.md): toxicity 22/55, 3 of 34 clean blocked.
    /// <summary>The clean chat batch (clean-2026-12-02.tsv): ordinary chat written to measure false positives, scored once; its one score is the bound.</summary>
    [Fact]
    public async Task DefaultLocalModeration_OnTheCleanChatBatch_HoldsItsOnceScoredFalsePositives()
    {
        var (score, report) = await ScoreAndReportAsync("clean-2026-12-02.tsv", "moderation-corpus-clean");
        var falsePositives = AllowCategories.Sum(c => score.Categories.GetValueOrDefault(c).Caught);
        Assert.True(falsePositives <= CleanMaxFalsePositives, $"{falsePositives} clean messages blocked, more than the {CleanMaxFalsePositives} of the once-scored clean batch.\n{report}\n{string.Join('\n', score.Mistakes)}");
    }

    // Scored once as written: 3 of 80 blocked ("i'm such an idiot", "what a loser move", "such a creep" of a villain); the
    // "what a / such a" patterns then learnt to need a person named, so the 0 it scores now is no longer blind.
    private const int CleanMaxFalsePositives = 0;

    private const int LastFloorToxicity = 22;
    private const int LastMaxFalsePositives = 3;

    private const int FreshFloorProfanity = 9;
    private const int FreshFloorSpam = 8;
    private const int FreshFloorPii = 22;
    private const int FreshFloorToxicity = 21;
    private const int FreshMaxFalsePositives = 3;

    private async Task<(Score Score, string Report)> ScoreAndReportAsync(string file, string reportName)
    {
        var (provider, chain) = DefaultChain();
        await using var _ = provider;
        var corpus = LoadCorpus(file);
        var score = await ScoreAsync(chain, corpus);
        var report = $"Moderation corpus {file} ({corpus.Count} messages), default local moderators:\n{score.CategoryTable()}\nBy class:\n{score.ClassTable()}";
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
