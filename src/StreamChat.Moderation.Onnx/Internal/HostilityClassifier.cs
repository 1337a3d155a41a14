namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>
/// The probability that a message is hostile, from its embedding: the mean of the logistic-regression head's and the
/// nearest labelled lines' (<see cref="HostilityNeighbours"/>). The two err on different lines; their mean, measured by
/// leaving one training batch out at a time, catches more hostile lines for the same share of clean ones than either
/// (docs/moderation.md, "Sentence embeddings").
/// </summary>
internal sealed class HostilityClassifier
{
    public HostilityClassifier(HostilityHead head, HostilityNeighbours? neighbours)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (neighbours is not null && neighbours.Dimensions != head.Weights.Length)
        {
            throw new ArgumentException($"The neighbours have {neighbours.Dimensions} values a line; the head has {head.Weights.Length} weights.", nameof(neighbours));
        }

        Head = head;
        Neighbours = neighbours;
    }

    public HostilityHead Head { get; }

    /// <summary>Gets the nearest labelled lines, or null for the head alone.</summary>
    public HostilityNeighbours? Neighbours { get; }

    public int Dimensions => Head.Weights.Length;

    /// <summary>Reads the head and the lines shipped in this assembly.</summary>
    public static HostilityClassifier Load() => new(HostilityHead.Load(), HostilityNeighbours.Load());

    /// <summary>The probability that the text of <paramref name="embedding"/> (unit length) is hostile.</summary>
    public double Probability(ReadOnlySpan<float> embedding) =>
        Neighbours is null ? Head.Probability(embedding) : (Head.Probability(embedding) + Neighbours.Probability(embedding)) / 2;
}
