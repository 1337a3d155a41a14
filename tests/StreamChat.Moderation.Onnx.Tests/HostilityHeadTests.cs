using StreamChat.Moderation.Onnx.Internal;

namespace StreamChat.Moderation.Onnx.Tests;

public sealed class HostilityHeadTests
{
    [Fact]
    public void TheShippedHead_HasABiasAndOneWeightPerEmbeddingValue()
    {
        var head = HostilityHead.Load();
        Assert.Equal(384, head.Weights.Length);
        Assert.All(head.Weights, w => Assert.True(float.IsFinite(w)));
        Assert.True(head.Weights.Any(w => w != 0), "Every weight is zero: the head was never trained.");
    }

    [Fact]
    public void Probability_IsTheLogisticOfBiasPlusWeightsTimesValues()
    {
        var head = new HostilityHead(-1f, [2f, 0.5f]);
        Assert.Equal(1 / (1 + Math.Exp(-(-1 + (2 * 0.5) + (0.5 * 1)))), head.Probability([0.5f, 1f]), 6);
        Assert.Equal(0.5, new HostilityHead(0f, [1f]).Probability([0f]), 9);
        Assert.Throws<ArgumentException>(() => head.Probability([1f]));
    }

    [Fact]
    public void Format_ThenParse_GivesTheSameHead_AndCommentsAreSkipped()
    {
        var head = new HostilityHead(-0.123456789f, [1.5f, -2.25e-7f, 3f]);
        var text = head.Format(["written by a test", "second line"]);
        Assert.StartsWith("# written by a test\n# second line\n", text, StringComparison.Ordinal);
        var read = HostilityHead.Parse(text);
        Assert.Equal(head.Bias, read.Bias);
        Assert.Equal(head.Weights, read.Weights);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n0.5\n")]
    [InlineData("0.5\nnot a number\n")]
    public void Parse_ABrokenHead_IsRefused(string text) =>
        Assert.ThrowsAny<FormatException>(() => HostilityHead.Parse(text));
}
