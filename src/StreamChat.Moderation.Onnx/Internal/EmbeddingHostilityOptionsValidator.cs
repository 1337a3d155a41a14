using Microsoft.Extensions.Options;

namespace StreamChat.Moderation.Onnx.Internal;

/// <summary>Checks <see cref="EmbeddingHostilityOptions"/>' ranges at start-up (source-generated, no reflection).</summary>
[OptionsValidator]
internal sealed partial class EmbeddingHostilityOptionsValidator : IValidateOptions<EmbeddingHostilityOptions>;

/// <summary>Checks that the unsure probability is below the block probability.</summary>
internal sealed class EmbeddingHostilityOptionsOrderValidator : IValidateOptions<EmbeddingHostilityOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbeddingHostilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.UnsureProbability < options.BlockProbability
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"EmbeddingHostilityOptions.UnsureProbability ({options.UnsureProbability}) must be below BlockProbability ({options.BlockProbability}).");
    }
}
