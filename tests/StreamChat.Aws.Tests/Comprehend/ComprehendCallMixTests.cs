using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Aws.Comprehend;
using StreamChat.Aws.Comprehend.Internal;
using StreamChat.Core.Moderation;
using StreamChat.Testing;
using Xunit.Abstractions;

namespace StreamChat.Aws.Tests.Comprehend;

/// <summary>
/// How many Comprehend calls a realistic chat mix makes under the default call policy, against every message (the
/// original design), and what that does to hostile recall on AWS when Comprehend is taken to catch every hostile
/// message it is asked about (an oracle: the corpus label). The mix: 20,000 messages, two a second, from 2,000 viewers
/// whose activity follows a Zipf law (s = 1.1: a few regulars say most); one viewer in twenty outside the top 20 is a
/// troll, half of whose lines are ones a moderator should block, and everyone else's are 2% such lines, all drawn from the
/// labelled corpus. The first 10,000 build up trust (a stream's first hour and a half); the second 10,000 are the steady state.
/// </summary>
[Collection(nameof(ApiGateway.SoloTimingCollection))] // CPU-bound (the model scores 100,000 messages): kept away from timed tests
public sealed class ComprehendCallMixTests(ITestOutputHelper output)
{
    private const int Messages = 20_000;
    private const int Viewers = 2_000;
    private const double DollarsPerUnit = 0.0001;
    private const int UnitsPerCall = 3; // a chat line is under 300 characters: the per-request minimum

    /// <summary>
    /// ISSUE 15'S TARGETS (a tenth of the original design's Comprehend spend, hostile recall equal to asking about every
    /// message) ARE NOT MET with the patterns alone: the default policy spends about 16-18% on this mix and reaches about 79-86%
    /// of the oracle's recall (92% before the embedding batches, whose hostile lines the patterns mostly miss, joined the
    /// corpus). The bound asserted (a fifth) is above what it reaches, so a change that spends more fails. With the
    /// embedding scorer, both are nearly met (the next test).
    /// </summary>
    [Fact]
    public async Task DefaultCallPolicy_OnARealisticMix_SpendsAtMostAFifthOfTheOriginalDesign_AndReportsHostileRecall()
    {
        var report = new StringBuilder();
        var (steady, _) = await SimulateAsync("default policy", null, report);
        await SimulateAsync("hostility unsure from 0.4 (a hostile word alone calls too)", o => o.Moderation.Hostility.UnsureThreshold = 0.4, report);
        output.WriteLine(report.ToString());
        TestReports.Write("comprehend-call-mix", report.ToString());

        Assert.True(steady.Dollars(steady.Calls) <= steady.Dollars(steady.OriginalCalls) / 5, report.ToString());
        Assert.True(steady.Rate(steady.HostileGated) > steady.Rate(steady.HostileLocal), "Comprehend on the unsure and untrusted should add hostile recall.\n" + report);
    }

    /// <summary>
    /// The same mix with StreamChat.Moderation.Onnx's embedding scorer as the local hostility gate. Its hostile and clean
    /// lines come from the batches the model never trained on (the other categories' lines from the whole corpus), so
    /// the model is measured on text it has not seen; the patterns alone on that same mix are the baseline. Rows: the
    /// scorer's defaults, and with <c>StreamChatComprehend:UntrustedFrom</c> = 0.1 (new and flagged senders' clearly
    /// clean messages left out), which docs/aws.md recommends with the model.
    /// </summary>
    [Fact]
    public async Task WithTheEmbeddingScorer_OnLinesItNeverTrainedOn_ReportsCallsAndHostileRecall()
    {
        var report = new StringBuilder();
        // Five times the messages, for enough hostile lines to read a rate (a few dozen per 10,000).
        const int Long = 5 * Messages;
        var (patterns, _) = await SimulateAsync("patterns alone, default policy, held-out hostile and clean lines", null, report, heldOut: true, messages: Long);
        var (model, _) = await SimulateAsync("with the embedding scorer (unsure from probability 0.3), default policy, held-out lines", null, report, heldOut: true, embedding: true, messages: Long);
        var (recommended, _) = await SimulateAsync("with the embedding scorer (unsure from probability 0.3), untrusted senders asked from score 0.1, held-out lines", null, report, heldOut: true, embedding: true, messages: Long, untrustedFrom: 0.1);
        await SimulateAsync("with the embedding scorer unsure from probability 0.5, untrusted senders asked from score 0.1, held-out lines", null, report, heldOut: true, embedding: true, messages: Long, unsureProbability: 0.5, untrustedFrom: 0.1);
        await SimulateAsync("with the embedding scorer unsure from probability 0.2, untrusted senders asked from score 0.1, held-out lines", null, report, heldOut: true, embedding: true, messages: Long, unsureProbability: 0.2, untrustedFrom: 0.1);
        await SimulateAsync("with the embedding scorer (unsure from probability 0.3), untrusted senders asked from score 0.1, the whole corpus (calls comparable with the first test; recall flattered: the model trained on most of these lines)", null, report, embedding: true, untrustedFrom: 0.1);
        output.WriteLine(report.ToString());
        TestReports.Write("comprehend-call-mix-embedding", report.ToString());

        // The model blocks more hostile lines locally than the patterns do, and with Comprehend behind it reaches more of
        // them than the patterns with Comprehend. Measured once with the final batch among the held-out lines: with
        // untrusted senders asked from score 0.1, 9.8% of the original design's spend in the steady state (ISSUE 15'S
        // TARGET, A TENTH, MET) and 98.9% of the oracle's hostile recall (THE TARGET, 100%, MISSED BY 3 LINES OF 280).
        // After the probe round (2026-12-08: a larger corpus, so other draws, and a retrained classifier): 9.6% and 99.5%
        // (missed by 1 line of 215). The bounds asserted (a ninth, 97%) leave room for a borderline line or two, so a
        // change that spends more or catches fewer fails.
        Assert.True(model.Rate(model.HostileLocal) > patterns.Rate(patterns.HostileLocal), report.ToString());
        Assert.True(recommended.Rate(recommended.HostileGated) > patterns.Rate(patterns.HostileGated), report.ToString());
        Assert.True(recommended.Calls < model.Calls, "UntrustedFrom should leave out calls.\n" + report);
        Assert.True(recommended.Dollars(recommended.Calls) <= recommended.Dollars(recommended.OriginalCalls) / 9, report.ToString());
        Assert.True(recommended.Rate(recommended.HostileGated) >= 0.97, report.ToString());
    }

    /// <summary>
    /// The recall of the recommended AWS setup without the mix's random draws: every hostile line of the held-out batches,
    /// once from each kind of sender (new, trusted, flagged), through the local moderators and the call plan (the
    /// classifier's defaults, <c>UntrustedFrom</c> 0.1). A line is caught when a local rule blocks it or Comprehend is
    /// asked (the oracle). What is missed from a trusted sender is exactly what scores below the unsure bar; from a new
    /// or flagged sender, what scores below <c>UntrustedFrom</c>.
    /// </summary>
    [Fact]
    public async Task WithTheEmbeddingScorer_EveryHeldOutHostileLine_FromEachKindOfSender_IsBlockedOrAskedAbout_SaveTheLowestScored()
    {
        var (provider, local, comprehend, trust) = Moderation(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)), null, embedding: true, unsureProbability: 0.3, untrustedFrom: 0.1);
        await using var _ = provider;
        var scorer = provider.GetRequiredService<IHostilityScorer>();
        var unsureAt = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StreamChat.Core.StreamChatOptions>>().Value.Moderation.Hostility.UnsureThreshold;

        var hostile = HeldOutBatches
            .SelectMany(static f => File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Corpus", f), Encoding.UTF8))
            .Where(static l => l.Length > 0 && !l.StartsWith('#'))
            .Select(static l => l.Split('\t', 3))
            .Where(static p => p[0] == "block" && p[1].StartsWith("toxicity", StringComparison.Ordinal))
            .Select(static p => p[2])
            .ToArray();
        var kinds = new[] { "new", "trusted", "flagged" };
        var missed = kinds.ToDictionary(static k => k, static _ => new List<string>());
        var blockedLocally = 0;
        var user = 0;
        foreach (var text in hostile)
        {
            foreach (var kind in kinds)
            {
                var id = "u" + user++;
                if (kind == "trusted")
                {
                    for (var i = 0; i < 3; i++)
                    {
                        await trust.RecordAsync("live-1", id, ModerationResult.Allowed);
                    }
                }
                else if (kind == "flagged")
                {
                    await trust.RecordAsync("live-1", id, ModerationResult.Block(StreamChat.Core.Protocol.BlockReason.Toxicity, "toxicity.insult", "x"));
                }

                var context = new ModerationContext(text, "live-1", id, "c", "m" + user);
                var blocked = false;
                foreach (var moderator in local)
                {
                    var verdict = await moderator.ModerateAsync(context);
                    blocked |= verdict.IsBlocked || verdict.IsRedacted;
                    if (blocked)
                    {
                        break;
                    }
                }

                blockedLocally += blocked && kind == "new" ? 1 : 0;
                if (!blocked && !(await comprehend.PlanAsync(context, CancellationToken.None)).Toxicity)
                {
                    missed[kind].Add($"{scorer.Score(text).Value:0.00}  {text}");
                }
            }
        }

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Every held-out hostile line ({hostile.Length}) once from each kind of sender, the embedding scorer's defaults, UntrustedFrom 0.1: {blockedLocally} blocked locally;")
            .AppendLine(CultureInfo.InvariantCulture, $"missed (neither blocked nor asked about): new {missed["new"].Count}, trusted {missed["trusted"].Count}, flagged {missed["flagged"].Count}.");
        foreach (var kind in kinds)
        {
            foreach (var line in missed[kind])
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"{kind,-8} {line}");
            }
        }

        output.WriteLine(report.ToString());
        TestReports.Write("comprehend-recall-by-sender", report.ToString());

        // What a trusted sender's missed lines have in common: a local score below the unsure bar, and only those.
        var belowUnsure = hostile.Count(t => scorer.Score(t).Value < unsureAt);
        Assert.True(missed["trusted"].Count <= belowUnsure, report.ToString());
        Assert.True(missed["new"].Count <= missed["trusted"].Count && missed["flagged"].Count <= missed["trusted"].Count, report.ToString());

        // Measured on 2026-12-08 (229 held-out hostile lines): 174 blocked locally; missed from a trusted sender 5 (the
        // five that score below the unsure bar), from a new or a flagged one 2 (the two below 0.1: "your existence is a
        // rounding error", "one match and some petrol, that's all your place needs"). ISSUE 15'S RECALL TARGET (none
        // missed) IS NOT MET. A change that misses more fails.
        Assert.True(missed["trusted"].Count <= 5, report.ToString());
        Assert.True(missed["new"].Count <= 2 && missed["flagged"].Count <= 2, report.ToString());
    }

    /// <summary>The batches the embedding classifier never trained on (the corpus's held-out.txt, which the training tool reads).</summary>
    private static readonly string[] HeldOutBatches = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Corpus", "held-out.txt"))
        .Where(static l => l.Length > 0 && !l.StartsWith('#'))
        .ToArray();

    private static async Task<(Window Steady, Window First)> SimulateAsync(string name, Action<StreamChat.Core.StreamChatOptions>? configure, StringBuilder report, bool heldOut = false, bool embedding = false, int messages = Messages, double unsureProbability = 0.3, double untrustedFrom = 0)
    {
        var corpus = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.tsv")
            .SelectMany(static f => File.ReadLines(f, Encoding.UTF8).Select(l => (File: Path.GetFileName(f), Line: l)))
            .Where(static l => l.Line.Length > 0 && !l.Line.StartsWith('#'))
            .Select(static l => (l.File, Parts: l.Line.Split('\t', 3)))
            .Select(static p => (Block: p.Parts[0] == "block", Category: p.Parts[1].Split('/')[0], Text: p.Parts[2], HeldOut: HeldOutBatches.Contains(p.File)))
            .ToArray();

        // Held out: hostile and clean lines only from the batches the model never saw; the other categories' from anywhere.
        var clean = corpus.Where(l => !l.Block && (!heldOut || l.HeldOut)).ToArray();
        var bad = corpus.Where(l => l.Block && (!heldOut || l.HeldOut || l.Category != "toxicity")).ToArray();

        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var (provider, local, comprehend, trust) = Moderation(time, configure, embedding, unsureProbability, untrustedFrom);
        await using var _ = provider;

        var random = new Random(20261202);
        var weights = Enumerable.Range(1, Viewers).Select(static r => 1.0 / Math.Pow(r, 1.1)).ToArray();
        var cumulative = new double[Viewers];
        for (double sum = 0, i = 0; i < Viewers; i++)
        {
            sum += weights[(int)i];
            cumulative[(int)i] = sum;
        }

        var half = (messages / 2).ToString("N0", CultureInfo.InvariantCulture);
        var windows = new[] { new Window($"first {half} (trust building up)"), new Window($"second {half} (steady state)") };
        for (var n = 0; n < messages; n++)
        {
            var window = windows[n < messages / 2 ? 0 : 1];
            time.Advance(TimeSpan.FromSeconds(0.5));
            var rank = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]) switch { var i when i < 0 => ~i, var i => i };
            var troll = rank >= 20 && rank % 20 == 0;
            var line = random.NextDouble() < (troll ? 0.5 : 0.02) ? bad[random.Next(bad.Length)] : clean[random.Next(clean.Length)];
            var user = "viewer-" + rank;
            window.Bad += line.Block ? 1 : 0;
            var context = new ModerationContext(line.Text, "live-1", user, "c", "m-" + n);
            window.Messages++;
            var hostile = line.Category == "toxicity";
            window.Hostile += hostile ? 1 : 0;

            var verdict = ModerationResult.Allowed;
            foreach (var moderator in local)
            {
                verdict = await moderator.ModerateAsync(context);
                if (verdict.IsBlocked || verdict.IsRedacted)
                {
                    break;
                }
            }

            if (verdict.IsBlocked || verdict.IsRedacted)
            {
                window.HostileLocal += hostile ? 1 : 0;
                window.HostileGated += hostile ? 1 : 0;
                window.HostileEvery += hostile ? 1 : 0;
                await trust.RecordAsync(context.StreamId, context.UserId, verdict);
                continue;
            }

            var level = await trust.GetLevelAsync(context.StreamId, context.UserId);
            window.Untrusted += level == UserTrustLevel.Trusted ? 0 : 1;
            window.Flagged += level == UserTrustLevel.Flagged ? 1 : 0;
            var plan = await comprehend.PlanAsync(context, CancellationToken.None);
            window.Calls += plan.Count;
            window.PiiCalls += plan.Pii ? 1 : 0;
            window.EveryCalls += 2; // personal data and toxicity (sentiment is off by default)
            window.OriginalCalls += 2; // the original design: sentiment and personal data
            window.HostileEvery += hostile ? 1 : 0; // every message asked: the oracle catches it
            var caught = hostile && plan.Toxicity;
            window.HostileGated += caught ? 1 : 0;
            await trust.RecordAsync(context.StreamId, context.UserId, caught ? ModerationResult.Block(StreamChat.Core.Protocol.BlockReason.Toxicity, "comprehend.toxicity.insult", "x") : ModerationResult.Allowed);
        }

        report
            .AppendLine(CultureInfo.InvariantCulture, $"Comprehend calls, {name}, on a realistic mix ({messages:N0} messages at 2/s, 2,000 viewers, Zipf s = 1.1, trolls; {windows.Sum(w => w.Bad) * 100.0 / messages:0.0}% lines to block), per 1,000 messages:")
            .AppendLine("| window | calls | $ per million | calls, every message | $ per million, every message | original design's calls | $ per million, original | messages from untrusted senders | hostile recall: local only / this policy / every message (oracle) |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var w in windows)
        {
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {w.Name} | {w.Per1000(w.Calls):0} ({w.Per1000(w.PiiCalls):0} personal data) | {w.Dollars(w.Calls):N0} | {w.Per1000(w.EveryCalls):0} | {w.Dollars(w.EveryCalls):N0} | {w.Per1000(w.OriginalCalls):0} | {w.Dollars(w.OriginalCalls):N0} | {w.Per1000(w.Untrusted):0} ({w.Per1000(w.Flagged):0} flagged) | {w.Rate(w.HostileLocal):P1} / {w.Rate(w.HostileGated):P1} / {w.Rate(w.HostileEvery):P1} (of {w.Hostile}) |");
        }

        report.AppendLine();
        return (windows[1], windows[0]);
    }

    /// <summary>The local moderators and the Comprehend moderator (whose call plan is read; it is never called), as the Lambda host registers them.</summary>
    private static (ServiceProvider Provider, IMessageModerator[] Local, ComprehendMessageModerator Comprehend, IUserTrust Trust) Moderation(
        TimeProvider time, Action<StreamChat.Core.StreamChatOptions>? configure, bool embedding, double unsureProbability, double untrustedFrom)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(time);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        var chat = services.AddStreamChatCore();
        if (embedding)
        {
            chat.AddSentenceEmbeddingHostility(o => o.UnsureProbability = unsureProbability);
        }

        chat.AddComprehendModeration(o =>
        {
            o.Region = "eu-west-2";
            o.Endpoint = new Uri("http://127.0.0.1:9/"); // never called: the test reads the call plan only
            o.CredentialsFactory = static _ => new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret");
            o.UntrustedFrom = untrustedFrom;
        });
        var provider = services.BuildServiceProvider();
        var moderators = provider.GetServices<IMessageModerator>().ToArray();
        return (provider, moderators.Where(static m => m is not ComprehendMessageModerator).ToArray(), moderators.OfType<ComprehendMessageModerator>().Single(), provider.GetRequiredService<IUserTrust>());
    }

    private sealed class Window(string name)
    {
        public string Name { get; } = name;

        public int Messages { get; set; }

        public int Calls { get; set; }

        public int EveryCalls { get; set; }

        public int OriginalCalls { get; set; }

        public int Untrusted { get; set; }

        public int Hostile { get; set; }

        public int Bad { get; set; }

        public int Flagged { get; set; }

        public int PiiCalls { get; set; }

        public int HostileLocal { get; set; }

        public int HostileGated { get; set; }

        public int HostileEvery { get; set; }

        public double Per1000(int count) => 1000.0 * count / Messages;

        public double Dollars(int calls) => calls * UnitsPerCall * DollarsPerUnit * 1e6 / this.Messages;

        public double Rate(int caught) => Hostile == 0 ? 0 : (double)caught / Hostile;
    }
}
