using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Core.Tests.Moderation;

/// <summary>
/// Scores the default local moderation on the labelled corpus in Corpus/moderation-corpus.tsv:
/// recall of block for profanity, spam and personal data, and false positives on clean messages.
/// </summary>
public sealed class CorpusScoringTests
{
    private static readonly string[] BlockCategories = ["profanity", "spam", "pii"];
    private static readonly string[] AllowCategories = ["benign", "game", "lookalike"];

    private readonly ITestOutputHelper _output;

    public CorpusScoringTests(ITestOutputHelper output) => _output = output;

    internal static List<(string Expected, string Category, string Text)> LoadCorpus()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Moderation", "Corpus", "moderation-corpus.tsv");
        return File.ReadLines(path, Encoding.UTF8)
            .Where(static l => l.Length > 0 && !l.StartsWith('#'))
            .Select(static l => l.Split('\t', 3))
            .Select(static p => (p[0], p[1], p[2]))
            .ToList();
    }

    [Fact]
    public async Task DefaultLocalModeration_OnTheCorpus_MeetsRecallAndFalsePositiveTargets()
    {
        var options = Options.Create(new StreamChatOptions());
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        IMessageModerator[] chain = [new ProfanityMessageModerator(options), new SpamMessageModerator(options, time), new PiiMessageModerator(options)];
        var corpus = LoadCorpus();
        Assert.True(corpus.Count >= 600, $"The corpus has only {corpus.Count} messages.");

        var stats = new Dictionary<string, (int Total, int Blocked, int RightReason)>();
        var mistakes = new List<string>();
        var user = 0;
        foreach (var (expected, category, text) in corpus)
        {
            // A user of its own per message, so the duplicate rule never links two corpus lines.
            var context = new ModerationContext(text, "corpus", "user-" + user++, "c", "m");
            var verdict = ModerationResult.Allowed;
            foreach (var moderator in chain)
            {
                verdict = await moderator.ModerateAsync(context);
                if (verdict.IsBlocked || verdict.IsRedacted)
                {
                    break;
                }
            }

            var blocked = verdict.IsBlocked;
            var rightReason = blocked && verdict.Reason!.Value.ToString().Equals(category, StringComparison.OrdinalIgnoreCase);
            var current = stats.GetValueOrDefault(category);
            stats[category] = (current.Total + 1, current.Blocked + (blocked ? 1 : 0), current.RightReason + (rightReason ? 1 : 0));
            if (blocked != (expected == "block"))
            {
                mistakes.Add($"{category,-10} expected {expected,-5} got {(blocked ? "block (" + verdict.Rule + ")" : "allow")}: {text}");
            }
        }

        var table = RenderTable(stats);
        _output.WriteLine(table);

        TestReports.Write(
            "moderation-corpus",
            $"Moderation corpus ({corpus.Count} messages), default local rules:\n{table}" + (mistakes.Count > 0 ? "Misses:\n" + string.Join('\n', mistakes) + "\n" : string.Empty));
        foreach (var mistake in mistakes)
        {
            _output.WriteLine(mistake);
        }

        foreach (var category in BlockCategories)
        {
            var (total, blocked, _) = stats[category];
            Assert.True(blocked >= 0.97 * total, $"Recall for {category} is {blocked}/{total}, below 97%.\n{table}\n{string.Join('\n', mistakes)}");
        }

        var clean = AllowCategories.Sum(c => stats[c].Total);
        var falsePositives = AllowCategories.Sum(c => stats[c].Blocked);
        Assert.True(falsePositives <= 0.01 * clean, $"{falsePositives} of {clean} clean messages were blocked, over 1%.\n{table}\n{string.Join('\n', mistakes)}");
    }

    internal static string RenderTable(Dictionary<string, (int Total, int Blocked, int RightReason)> stats)
    {
        var builder = new StringBuilder();
        builder.AppendLine("| category | expected | messages | blocked | rate | blocked for its own reason |");
        builder.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var category in BlockCategories.Concat(AllowCategories))
        {
            var (total, blocked, right) = stats.GetValueOrDefault(category);
            var expected = BlockCategories.Contains(category) ? "block" : "allow";
            var rate = total == 0 ? 0 : 100.0 * blocked / total;
            var rateText = (expected == "block" ? "recall " : "false positives ") + rate.ToString("0.0", CultureInfo.InvariantCulture) + "%";
            var reason = expected == "block" ? right.ToString(CultureInfo.InvariantCulture) : "-";
            builder.AppendLine(CultureInfo.InvariantCulture, $"| {category} | {expected} | {total} | {blocked} | {rateText} | {reason} |");
        }

        return builder.ToString();
    }
}
