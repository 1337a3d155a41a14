using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>
/// The labelled lines the head was trained on, as embeddings: a message's probability of being hostile is the vote of
/// its <see cref="K"/> nearest lines (cosine similarity; the embeddings are unit length), each weighted by
/// <c>e^(Sharpness × similarity)</c>, so a line that says nearly the same counts most. It sees what a straight line
/// through the embedding space cannot: hostile and clean lines that differ in one turn of phrase. The embedded
/// <c>hostility-neighbours.bin</c> is written by tools/StreamChat.HostilityTraining: the magic <c>SCHN</c>, a version
/// (2), the count, the dimensions, K and the sharpness, then per line a label byte (1 hostile) and its values as
/// half-precision floats, all little-endian. Half precision (about three decimal digits, plenty for a cosine between
/// unit vectors) keeps the file at half the size; the values are widened to single precision when read.
/// </summary>
internal sealed class HostilityNeighbours
{
    internal const string ResourceName = "StreamChat.Moderation.Onnx.hostility-neighbours.bin";
    private const int Version = 2;
    private static readonly byte[] Magic = "SCHN"u8.ToArray();

    private readonly float[] _vectors;
    private readonly bool[] _hostile;

    public HostilityNeighbours(float[] vectors, bool[] hostile, int dimensions, int k, float sharpness)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(hostile);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (hostile.Length == 0 || vectors.Length != hostile.Length * dimensions)
        {
            throw new ArgumentException($"{vectors.Length} values are not {hostile.Length} lines of {dimensions}.", nameof(vectors));
        }

        if (!float.IsFinite(sharpness) || sharpness < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sharpness), sharpness, "The sharpness is a finite number, zero or more.");
        }

        _vectors = vectors;
        _hostile = hostile;
        Dimensions = dimensions;
        K = Math.Min(k, hostile.Length);
        Sharpness = sharpness;
    }

    public int Count => _hostile.Length;

    public int Dimensions { get; }

    public int K { get; }

    public float Sharpness { get; }

    /// <summary>The embedding of line <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> LineVector(int index) => _vectors.AsSpan(index * Dimensions, Dimensions);

    /// <summary>Whether line <paramref name="index"/> is labelled hostile.</summary>
    public bool IsHostile(int index) => _hostile[index];

    /// <summary>Reads the lines shipped in this assembly.</summary>
    public static HostilityNeighbours Load()
    {
        using var stream = typeof(HostilityNeighbours).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from {typeof(HostilityNeighbours).Assembly.GetName().Name}.");
        return Read(stream);
    }

    /// <summary>Reads lines in the form <see cref="Write"/> writes.</summary>
    public static HostilityNeighbours Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != Version)
            {
                throw new FormatException($"Not a version {Version} hostility neighbours file (it starts with SCHN and the version {Version}).");
            }

            var count = reader.ReadInt32();
            var dimensions = reader.ReadInt32();
            var k = reader.ReadInt32();
            var sharpness = reader.ReadSingle();
            if (count <= 0 || dimensions <= 0 || k <= 0 || (long)count * dimensions > 64_000_000)
            {
                throw new FormatException($"A hostility neighbours file with {count} lines of {dimensions} values and K {k} is not valid.");
            }

            var vectors = new float[count * dimensions];
            var hostile = new bool[count];
            for (var i = 0; i < count; i++)
            {
                hostile[i] = reader.ReadByte() switch
                {
                    0 => false,
                    1 => true,
                    var b => throw new FormatException($"Line {i} has the label {b}; a label is 0 (clean) or 1 (hostile)."),
                };
                for (var d = 0; d < dimensions; d++)
                {
                    vectors[(i * dimensions) + d] = (float)reader.ReadHalf();
                }
            }

            if (stream.CanSeek && stream.Position != stream.Length)
            {
                throw new FormatException("The hostility neighbours file has bytes after its last line.");
            }

            return new HostilityNeighbours(vectors, hostile, dimensions, k, sharpness);
        }
        catch (EndOfStreamException ex)
        {
            throw new FormatException("The hostility neighbours file ends before its last line.", ex);
        }
    }

    /// <summary>Writes the lines in the form <see cref="Read"/> reads (the values rounded to half precision).</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(Count);
        writer.Write(Dimensions);
        writer.Write(K);
        writer.Write(Sharpness);
        for (var i = 0; i < Count; i++)
        {
            writer.Write((byte)(_hostile[i] ? 1 : 0));
            foreach (var value in _vectors.AsSpan(i * Dimensions, Dimensions))
            {
                writer.Write((Half)value);
            }
        }
    }

    /// <summary>The weighted vote of the <see cref="K"/> lines nearest to <paramref name="embedding"/> (unit length).</summary>
    public double Probability(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Dimensions)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} values; the neighbours have {Dimensions}.", nameof(embedding));
        }

        // The K best so far, kept sorted from the best down; K is small (10), so insertion is cheapest.
        Span<float> best = stackalloc float[K];
        Span<int> index = stackalloc int[K];
        best.Fill(float.NegativeInfinity);
        for (var i = 0; i < Count; i++)
        {
            var similarity = Dot(embedding, _vectors.AsSpan(i * Dimensions, Dimensions));
            if (similarity <= best[^1])
            {
                continue;
            }

            var at = K - 1;
            while (at > 0 && best[at - 1] < similarity)
            {
                best[at] = best[at - 1];
                index[at] = index[at - 1];
                at--;
            }

            best[at] = similarity;
            index[at] = i;
        }

        double hostile = 0, all = 0;
        for (var j = 0; j < K; j++)
        {
            // Relative to the best, so the weights cannot overflow whatever the sharpness.
            var weight = Math.Exp(Sharpness * (best[j] - best[0]));
            all += weight;
            hostile += _hostile[index[j]] ? weight : 0;
        }

        return hostile / all;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (var i = 0; i < va.Length; i++)
        {
            sum += va[i] * vb[i];
        }

        var dot = Vector.Sum(sum);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }
}
