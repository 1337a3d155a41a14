using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using StreamChat.Moderation.Onnx;
using StreamChat.Moderation.Onnx.Internal;

// usage:
//   dotnet run -c Release --project tools/StreamChat.HostilityTraining -- --test FILE   train without FILE, score FILE once
//   dotnet run -c Release --project tools/StreamChat.HostilityTraining -- --cv          leave one training batch out at a time
//   dotnet run -c Release --project tools/StreamChat.HostilityTraining -- --write       train on every training batch, write the head
//   dotnet run -c Release --project tools/StreamChat.HostilityTraining -- --leaks       training lines nearly the same as a held-out line
// Overridable for experiments (HOSTILITY_L2, HOSTILITY_POSITIVE_WEIGHT, HOSTILITY_EXCLUDE: a training batch to leave out,
// HOSTILITY_NEIGHBOURS=0: the head alone); the head shipped is written with the defaults.
var L2 = double.Parse(Environment.GetEnvironmentVariable("HOSTILITY_L2") ?? "1e-4", CultureInfo.InvariantCulture);
var positiveWeight = double.Parse(Environment.GetEnvironmentVariable("HOSTILITY_POSITIVE_WEIGHT") ?? "1", CultureInfo.InvariantCulture);
var useNeighbours = Environment.GetEnvironmentVariable("HOSTILITY_NEIGHBOURS") != "0";
const int Iterations = 4000;
const int K = 10;
const double Leak = 0.9; // a training line at this cosine or more to a held-out line is left out of training
const float Sharpness = 10;
const double Step = 2.0;

var root = FindRoot();
var corpus = Path.Combine(root, "tests/StreamChat.Core.Tests/Moderation/Corpus");
// Held-out batches (never trained on): the batches scored blind with the model, named in the corpus's held-out.txt.
var heldOut = File.ReadLines(Path.Combine(corpus, "held-out.txt")).Where(static l => l.Length > 0 && !l.StartsWith('#')).ToArray();
var output = Path.Combine(root, "src/StreamChat.Moderation.Onnx/Resources/hostility-head.txt");
var neighboursOutput = Path.Combine(root, "src/StreamChat.Moderation.Onnx/Resources/hostility-neighbours.bin");
var mode = args.Length > 0 ? args[0] : "--help";

using var embedder = new MiniLmSentenceEmbedder(Options.Create(new EmbeddingHostilityOptions()));
var cache = new Dictionary<string, float[]>(StringComparer.Ordinal);
List<Row>? heldOutRows = null;

switch (mode)
{
    case "--test" when args.Length > 1:
    {
        var training = Load(TrainingFiles(exclude: args[1]));
        var head = Train(training);
        Report(args[1], Load([args[1]]), head, showMisses: true);
        return 0;
    }

    case "--cv":
    {
        var files = TrainingFiles(exclude: null);
        var all = new List<(string File, Row Row)>();
        foreach (var file in files)
        {
            var rows = Load([file]);
            var head = Train(Load(files.Where(f => f != file).ToArray()));
            all.AddRange(rows.Select(r => (file, r with { Probability = head.Probability(Embed(r.Text)) })));
        }

        Console.WriteLine("Leave one batch out, over every training batch:");
        PrintRates(all.Select(a => a.Row).ToList());
        return 0;
    }

    case "--write":
    {
        var files = TrainingFiles(exclude: null);
        var training = Load(files);
        var head = Train(training);
        if (!useNeighbours)
        {
            Console.Error.WriteLine("--write ships the neighbours too: unset HOSTILITY_NEIGHBOURS.");
            return 2;
        }

        var kept = WithoutLeaks(training);
        var comments = new[]
        {
            "The hostility head of StreamChat.Moderation.Onnx: logistic regression over all-MiniLM-L6-v2 embeddings (unit length).",
            $"Its probability is averaged with the vote of the {K} nearest of the same lines (hostility-neighbours.bin, sharpness {Sharpness}).",
            $"Written by tools/StreamChat.HostilityTraining --write; L2 {L2}, {Iterations} steps of {Step}, classes weighted to balance (hostile x{positiveWeight}).",
            $"Trained on {kept.Count} lines ({kept.Count(r => r.Hostile)} hostile) of: {string.Join(", ", files)}.",
            $"Never trained on: {string.Join(", ", heldOut)}, nor the {training.Count - kept.Count} training lines at cosine {Leak} or more to one of their lines.",
            "Then: the bias, and one weight per embedding value.",
        };
        File.WriteAllText(output, head.Head.Format(comments).Replace("\r", string.Empty, StringComparison.Ordinal), new UTF8Encoding(false));
        Console.WriteLine($"Wrote {output}.");
        using (var file = File.Create(neighboursOutput))
        {
            head.Neighbours!.Write(file);
        }

        Console.WriteLine($"Wrote {neighboursOutput} ({head.Neighbours.Count} lines).");
        Report("the training batches (seen)", training, head, showMisses: false);
        return 0;
    }

    case "--leaks":
    {
        // A training line that says the same as a held-out line would let the held-out score flatter the classifier.
        var training = Load(TrainingFiles(exclude: null));
        var leaks = training.Select(t => (t.Text, Nearest: NearestHeldOut(t.Text))).Where(static p => p.Nearest.Similarity >= Leak).ToList();
        foreach (var (text, (nearest, similarity)) in leaks)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{similarity:F3}  {text}  ~  {nearest}"));
        }

        Console.WriteLine($"{leaks.Count} training lines of {training.Count} at cosine {Leak} or more to a held-out line: left out of training.");
        return 0;
    }

    default:
        Console.WriteLine("usage: --test FILE | --cv | --write | --leaks");
        return 2;
}

string[] TrainingFiles(string? exclude) => Directory.GetFiles(corpus, "*.tsv")
    .Select(Path.GetFileName)
    .OfType<string>()
    .Where(f => !heldOut.Contains(f) && f != exclude && f != Environment.GetEnvironmentVariable("HOSTILITY_EXCLUDE"))
    .Order(StringComparer.Ordinal)
    .ToArray();

// Hostile lines against clean ones; profanity, spam and personal data are other rules' jobs and are left out.
List<Row> Load(string[] files) => files
    .SelectMany(f => File.ReadLines(Path.Combine(corpus, f), Encoding.UTF8))
    .Where(l => l.Length > 0 && !l.StartsWith('#'))
    .Select(l => l.Split('\t', 3))
    .Where(p => p[0] == "allow" || p[1].StartsWith("toxicity", StringComparison.Ordinal))
    .Select(p => new Row(p[2], p[0] == "block", p[1], 0))
    .ToList();

float[] Embed(string text)
{
    if (!cache.TryGetValue(text, out var vector))
    {
        vector = embedder.Embed([text])[0];
        cache[text] = vector;
    }

    return vector;
}

void EmbedAll(IEnumerable<string> texts)
{
    var missing = texts.Distinct(StringComparer.Ordinal).Where(t => !cache.ContainsKey(t)).ToList();
    foreach (var chunk in missing.Chunk(64))
    {
        var vectors = embedder.Embed(chunk);
        for (var i = 0; i < chunk.Length; i++)
        {
            cache[chunk[i]] = vectors[i];
        }
    }
}

// A training line that says nearly the same as a held-out line (cosine 0.9 or more; see --leaks) is left out of training,
// so the held-out batches measure the head on what it never saw.
List<Row> WithoutLeaks(List<Row> rows) => rows.Where(r => NearestHeldOut(r.Text).Similarity < Leak).ToList();

// The held-out line most like the text, and how alike (cosine; the embeddings are unit length).
(string Text, double Similarity) NearestHeldOut(string text)
{
    heldOutRows ??= Load(heldOut);
    EmbedAll(heldOutRows.Select(static r => r.Text).Append(text));
    return heldOutRows.Select(h => (h.Text, Cosine(cache[text], cache[h.Text]))).MaxBy(static p => p.Item2);
}

// Logistic regression by full-batch gradient descent from zero (deterministic, no shuffling), beside the same lines as neighbours.
HostilityClassifier Train(List<Row> all)
{
    var rows = WithoutLeaks(all);
    var x = rows.Select(r => cache[r.Text]).ToArray();
    var y = rows.Select(r => r.Hostile ? 1.0 : 0.0).ToArray();
    var positives = y.Count(v => v > 0);
    var negatives = y.Length - positives;
    var weightOf = y.Select(v => v > 0 ? positiveWeight * y.Length / (2.0 * positives) : y.Length / (2.0 * negatives)).ToArray();
    var dimensions = x[0].Length;
    var w = new double[dimensions];
    var b = 0.0;
    var gradient = new double[dimensions];
    for (var iteration = 0; iteration < Iterations; iteration++)
    {
        Array.Clear(gradient);
        var gb = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var z = b;
            for (var d = 0; d < dimensions; d++)
            {
                z += w[d] * x[i][d];
            }

            var error = ((1 / (1 + Math.Exp(-z))) - y[i]) * weightOf[i];
            gb += error;
            for (var d = 0; d < dimensions; d++)
            {
                gradient[d] += error * x[i][d];
            }
        }

        for (var d = 0; d < dimensions; d++)
        {
            w[d] -= Step * ((gradient[d] / x.Length) + (L2 * w[d]));
        }

        b -= Step * gb / x.Length;
    }

    var head = new HostilityHead((float)b, w.Select(v => (float)v).ToArray());
    var neighbours = new HostilityNeighbours(x.SelectMany(static v => v).ToArray(), rows.Select(static r => r.Hostile).ToArray(), dimensions, K, Sharpness);
    return new HostilityClassifier(head, useNeighbours ? neighbours : null);
}

void Report(string name, List<Row> rows, HostilityClassifier head, bool showMisses)
{
    EmbedAll(rows.Select(r => r.Text));
    var scored = rows.Select(r => r with { Probability = head.Probability(cache[r.Text]) }).ToList();
    Console.WriteLine($"{name}: {scored.Count(r => r.Hostile)} hostile lines, {scored.Count(r => !r.Hostile)} clean lines");
    PrintRates(scored);
    if (showMisses)
    {
        foreach (var r in scored.Where(r => r.Hostile ? r.Probability < 0.5 : r.Probability >= 0.5).OrderBy(r => r.Label, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {r.Label,-24} {r.Probability:F2}  {r.Text}");
        }
    }
}

static double Cosine(float[] a, float[] b)
{
    var dot = 0.0;
    for (var i = 0; i < a.Length; i++)
    {
        dot += a[i] * b[i];
    }

    return dot; // the embeddings are unit length
}

static void PrintRates(List<Row> scored)
{
    Console.WriteLine("| from | hostile recall | clean flagged |");
    Console.WriteLine("|---:|---:|---:|");
    foreach (var threshold in new[] { 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95 })
    {
        var hostile = scored.Where(r => r.Hostile).ToList();
        var clean = scored.Where(r => !r.Hostile).ToList();
        var caught = hostile.Count(r => r.Probability >= threshold);
        var flagged = clean.Count(r => r.Probability >= threshold);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {threshold:0.0#} | {caught}/{hostile.Count} ({100.0 * caught / Math.Max(1, hostile.Count):F1}%) | {flagged}/{clean.Count} ({100.0 * flagged / Math.Max(1, clean.Count):F1}%) |"));
    }
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "StreamChat.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository (StreamChat.sln not found above the tool).");
}

internal sealed record Row(string Text, bool Hostile, string Label, double Probability);
