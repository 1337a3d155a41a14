namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>Turns a text into a sentence embedding of unit length.</summary>
internal interface ISentenceEmbedder
{
    /// <summary>Gets the length of an embedding.</summary>
    int Dimensions { get; }

    /// <summary>Embeds <paramref name="texts"/>, each to a vector of <see cref="Dimensions"/> values and unit length.</summary>
    /// <param name="texts">The texts.</param>
    /// <returns>One vector per text, in order.</returns>
    float[][] Embed(IReadOnlyList<string> texts);
}
