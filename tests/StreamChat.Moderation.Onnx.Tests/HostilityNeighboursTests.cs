using StreamChat.Moderation.Onnx.Internal;

namespace StreamChat.Moderation.Onnx.Tests;

public sealed class HostilityNeighboursTests
{
    // Four lines in two dimensions, unit length: two hostile near (1, 0), two clean near (0, 1).
    private static HostilityNeighbours Square(int k, float sharpness) => new(
        [1f, 0f, 0.8f, 0.6f, 0f, 1f, 0.6f, 0.8f],
        [true, true, false, false],
        dimensions: 2,
        k,
        sharpness);

    [Fact]
    public void TheShippedLines_AreUnitLength_BothLabelsArePresent_AndTheyMatchTheHead()
    {
        var classifier = HostilityClassifier.Load();
        var neighbours = Assert.IsType<HostilityNeighbours>(classifier.Neighbours);
        Assert.Equal(384, neighbours.Dimensions);
        Assert.Equal(10, neighbours.K);
        Assert.InRange(neighbours.Count, 1_000, 100_000);

        var labels = new int[2];
        for (var i = 0; i < neighbours.Count; i++)
        {
            labels[neighbours.IsHostile(i) ? 1 : 0]++;
            var sum = 0.0;
            foreach (var v in neighbours.LineVector(i))
            {
                sum += v * v;
            }

            Assert.InRange(sum, 0.999, 1.001);
        }

        Assert.True(labels[0] > 0 && labels[1] > 0, $"{labels[0]} clean and {labels[1]} hostile lines.");
    }

    [Fact]
    public void Probability_IsTheVoteOfTheNearestLines_WeightedBySimilarity()
    {
        // K = 1: the nearest line decides alone.
        Assert.Equal(1.0, Square(1, 10).Probability([0.99f, 0.14f]), 9);
        Assert.Equal(0.0, Square(1, 10).Probability([0.14f, 0.99f]), 9);

        // Sharpness 0: every one of the K nearest counts the same.
        Assert.Equal(0.5, Square(4, 0).Probability([1f, 0f]), 9);
        Assert.Equal(2.0 / 3, Square(3, 0).Probability([1f, 0f]), 9); // (1,0), (0.8,0.6), (0.6,0.8)

        // Sharpness 10 over K = 3 from (1, 0): similarities 1, 0.8, 0.6.
        var expected = (1 + Math.Exp(-2)) / (1 + Math.Exp(-2) + Math.Exp(-4));
        Assert.Equal(expected, Square(3, 10).Probability([1f, 0f]), 6);
    }

    [Fact]
    public void KAboveTheCount_UsesEveryLine_AndAWrongLengthIsRefused()
    {
        var all = Square(50, 0);
        Assert.Equal(4, all.K);
        Assert.Equal(0.5, all.Probability([0.7f, 0.7f]), 9);
        Assert.Throws<ArgumentException>(() => all.Probability([1f, 0f, 0f]));
        Assert.Throws<ArgumentException>(() => new HostilityNeighbours([1f, 0f, 1f], [true, false], 2, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostilityNeighbours([1f, 0f], [true], 2, 1, float.NaN));
    }

    [Fact]
    public void Write_ThenRead_GivesTheSameVotes()
    {
        // Values half precision holds exactly (the file stores half precision): the votes come back the same.
        var original = new HostilityNeighbours([1f, 0f, 0.75f, 0.5f, 0f, 1f, 0.5f, 0.75f], [true, true, false, false], 2, 3, 7.5f);
        using var stream = new MemoryStream();
        original.Write(stream);
        stream.Position = 0;

        var read = HostilityNeighbours.Read(stream);

        Assert.Equal((original.Count, original.Dimensions, original.K, original.Sharpness), (read.Count, read.Dimensions, read.K, read.Sharpness));
        foreach (var probe in new[] { new[] { 1f, 0f }, [0f, 1f], [0.7f, 0.7f] })
        {
            Assert.Equal(original.Probability(probe), read.Probability(probe));
        }
    }

    [Fact]
    public void Write_ThenRead_KeepsOtherValuesToHalfPrecision_AndTheFileIsHalfTheSize()
    {
        var original = Square(3, 10);
        using var stream = new MemoryStream();
        original.Write(stream);
        Assert.Equal(24 + (4 * (1 + (2 * 2))), stream.Length); // header, then per line a label and two 2-byte values
        stream.Position = 0;

        var read = HostilityNeighbours.Read(stream);

        for (var i = 0; i < original.Count; i++)
        {
            for (var d = 0; d < original.Dimensions; d++)
            {
                Assert.Equal(original.LineVector(i)[d], read.LineVector(i)[d], 0.0005f);
            }
        }
    }

    [Theory]
    [InlineData(0)] // nothing
    [InlineData(4)] // the magic only
    [InlineData(27)] // cut inside the first line
    public void Read_ACutFile_IsRefused(int length)
    {
        using var whole = new MemoryStream();
        Square(2, 1).Write(whole);
        using var cut = new MemoryStream(whole.ToArray()[..length]);
        Assert.Throws<FormatException>(() => HostilityNeighbours.Read(cut));
    }

    [Fact]
    public void Read_AnotherFormat_ABadLabel_OrTrailingBytes_AreRefused()
    {
        using var whole = new MemoryStream();
        Square(2, 1).Write(whole);
        var bytes = whole.ToArray();

        var wrongMagic = (byte[])bytes.Clone();
        wrongMagic[0] = (byte)'X';
        var badLabel = (byte[])bytes.Clone();
        badLabel[24] = 7;
        var trailing = bytes.Append((byte)0).ToArray();

        foreach (var broken in new[] { wrongMagic, badLabel, trailing })
        {
            using var stream = new MemoryStream(broken);
            Assert.Throws<FormatException>(() => HostilityNeighbours.Read(stream));
        }
    }

    [Fact]
    public void TheClassifier_IsTheMeanOfTheHeadAndTheNeighbours_OrTheHeadAlone()
    {
        var head = new HostilityHead(0f, [2f, -2f]);
        var neighbours = Square(1, 10);
        float[] probe = [1f, 0f];

        Assert.Equal((head.Probability(probe) + 1.0) / 2, new HostilityClassifier(head, neighbours).Probability(probe), 9);
        Assert.Equal(head.Probability(probe), new HostilityClassifier(head, null).Probability(probe), 9);
        Assert.Throws<ArgumentException>(() => new HostilityClassifier(new HostilityHead(0f, [1f, 1f, 1f]), neighbours));
    }
}
