using System.Globalization;

namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>
/// The classifier over sentence embeddings: logistic regression, <c>p = 1 / (1 + e^-(b + w·x))</c>. Its weights are
/// the embedded <c>hostility-head.txt</c>, written by tools/StreamChat.HostilityTraining from the labelled corpus:
/// lines starting with <c>#</c> are comments, then the bias, then one weight per line.
/// </summary>
internal sealed class HostilityHead
{
    internal const string ResourceName = "StreamChat.Moderation.Onnx.hostility-head.txt";

    public HostilityHead(float bias, float[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Bias = bias;
        Weights = weights;
    }

    public float Bias { get; }

    public float[] Weights { get; }

    /// <summary>Reads the head shipped in this assembly.</summary>
    public static HostilityHead Load()
    {
        using var stream = typeof(HostilityHead).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from {typeof(HostilityHead).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Reads a head from its text form.</summary>
    public static HostilityHead Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = text.Split('\n')
            .Select(static l => l.Trim())
            .Where(static l => l.Length > 0 && !l.StartsWith('#'))
            .Select(static l => float.Parse(l, NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();
        if (values.Length < 2)
        {
            throw new FormatException("A hostility head holds a bias and at least one weight.");
        }

        return new HostilityHead(values[0], values[1..]);
    }

    /// <summary>Writes the head in the form <see cref="Parse"/> reads, after the comment lines given.</summary>
    public string Format(IEnumerable<string> comments)
    {
        var lines = comments.Select(static c => "# " + c)
            .Append(Bias.ToString("R", CultureInfo.InvariantCulture))
            .Concat(Weights.Select(static w => w.ToString("R", CultureInfo.InvariantCulture)));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>The probability that the text of <paramref name="embedding"/> is hostile.</summary>
    public double Probability(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Weights.Length)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} values; the head expects {Weights.Length}.", nameof(embedding));
        }

        var z = (double)Bias;
        for (var i = 0; i < embedding.Length; i++)
        {
            z += Weights[i] * embedding[i];
        }

        return 1 / (1 + Math.Exp(-z));
    }
}
