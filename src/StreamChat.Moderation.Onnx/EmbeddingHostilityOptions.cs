using System.ComponentModel.DataAnnotations;

namespace StreamChat.Moderation.Onnx;

/// <summary>
/// Options of the sentence-embedding hostility scorer (configuration section <c>StreamChatEmbedding</c>). The model
/// gives a probability; <see cref="BlockProbability"/> and <see cref="UnsureProbability"/> place it on the hostility
/// score's scale, where <c>StreamChat:Moderation:Hostility</c>'s <c>BlockThreshold</c> blocks and
/// <c>UnsureThreshold</c> asks a remote moderator, as for the word patterns.
/// </summary>
public sealed class EmbeddingHostilityOptions
{
    /// <summary>Gets or sets a value indicating whether the model runs; when off, the word patterns alone score.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the probability from which the model blocks a message (its score reaches <c>Hostility:BlockThreshold</c>).</summary>
    /// <value>
    /// The default value is 0.8, the lowest probability at which, leaving one labelled training batch out at a time, at
    /// most 0.5% of clean lines (ordinary chat, game talk and crafted look-alikes) reach it: 0.4% do, with 75% of hostile
    /// lines (docs/moderation.md).
    /// </value>
    [Range(0.0, 1.0)]
    public double BlockProbability { get; set; } = 0.8;

    /// <summary>
    /// Gets or sets the probability from which the model is unsure (its score reaches <c>Hostility:UnsureThreshold</c>):
    /// allowed locally, and a remote moderator (Comprehend on AWS) is asked. Must be below <see cref="BlockProbability"/>.
    /// </summary>
    /// <value>
    /// The default value is 0.3: in the same measurement, 97.8% of hostile lines and 12.7% of clean ones reach it (at
    /// 0.5, 94.7% and 4.9%). Being unsure costs nothing locally, only a remote call, and issue 15 asks that hostile
    /// recall on AWS be no lower than asking about every message; docs/aws.md measures both settings.
    /// </value>
    [Range(0.0, 1.0)]
    public double UnsureProbability { get; set; } = 0.3;

    /// <summary>
    /// Gets or sets the most characters of a message the model reads; the rest is not read. At most 510: a character is
    /// at most one token, and the model reads at most 512 tokens with its two markers.
    /// </summary>
    /// <value>The default value is 500.</value>
    [Range(16, 510)]
    public int MaxTextLength { get; set; } = 500;

    /// <summary>
    /// Gets or sets the threads one inference may use. Chat is many short texts at once, so one thread each and the
    /// messages side by side use the cores best.
    /// </summary>
    /// <value>The default value is 1.</value>
    [Range(1, 64)]
    public int ThreadsPerInference { get; set; } = 1;
}
