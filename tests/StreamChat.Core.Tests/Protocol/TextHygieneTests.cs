using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Tests.Protocol;

/// <summary>Issue 19: controls, ANSI escapes, line breaks and bidirectional formatting never reach anyone; text is NFC.</summary>
public sealed class TextHygieneTests
{
    private static readonly TextOptions Strip = new();
    private static readonly TextOptions Refuse = new() { ControlCharacters = ControlCharacterHandling.Refuse };

    [Theory]
    [InlineData("plain text")]
    [InlineData("émoji 🙂 and ünïcode")]
    [InlineData("日本語のテキスト")]
    public void Clean_OrdinaryText_IsTheSameInstance(string text) => Assert.Same(text, TextHygiene.Clean(text, Strip));

    [Theory]
    [InlineData("a\u0000b", "ab")]
    [InlineData("\u001B[2J\u001B[31mred", "[2J[31mred")]
    [InlineData("one\r\n\r\ntwo", "one two")]
    [InlineData("one\u2028two\u2029three", "one two three")]
    [InlineData("\u202Dforced\u202C", "forced")]
    [InlineData("a\u007Fb\u0080c\u009Fd", "abcd")]
    [InlineData("A\u030A", "\u00C5")]
    [InlineData("\u1100\u1161", "\uAC00")]
    public void Clean_Strip_RemovesControlsAndBidi_AndNormalizes(string text, string expected) => Assert.Equal(expected, TextHygiene.Clean(text, Strip));

    [Fact]
    public void Clean_KeepsWhatPeopleWrite_JoinersAndRightToLeftMarks()
    {
        const string family = "👨\u200D👩\u200D👧";
        Assert.Equal(family, TextHygiene.Clean(family, Strip));
        Assert.Equal("שלום\u200F!", TextHygiene.Clean("שלום\u200F!", Strip));
    }

    [Theory]
    [InlineData("bell\u0007")]
    [InlineData("abc\u2067x")]
    public void Clean_Refuse_ReturnsNull(string text) => Assert.Null(TextHygiene.Clean(text, Refuse));

    [Fact]
    public void Clean_Refuse_StillTurnsLineBreaksIntoSpaces() => Assert.Equal("a b", TextHygiene.Clean("a\nb", Refuse));

    [Fact]
    public void Clean_BreaksRunsOfMoreThanThirtyMarks_WithAGraphemeJoiner_AndIsIdempotent()
    {
        // Marks of two combining classes in turn, on a digit (nothing composes): normalization would sort the whole run, in time quadratic in its length.
        var zalgo = "1" + string.Concat(Enumerable.Repeat("\u0300\u0316", 40));
        var clean = TextHygiene.Clean(zalgo, Strip)!;

        Assert.Equal(zalgo.Length + 2, clean.Length);
        Assert.Equal('\u034F', clean[31]);
        Assert.Equal('\u034F', clean[62]);
        Assert.All(clean.Split('\u034F'), run => Assert.InRange(run.TrimStart('1').Length, 1, 30));
        Assert.Equal(clean, TextHygiene.Clean(clean, Strip));
    }

    [Fact]
    public void Clean_ThirtyMarksOnALetter_AreLeftAsWritten()
    {
        var text = "1" + new string('\u0301', 30);
        Assert.Same(text, TextHygiene.Clean(text, Strip));
    }

    [Fact]
    public void Clean_MarksThatNfcSplitsInTwo_AreBoundedAfterNormalizing()
    {
        // U+0344 is U+0308 U+0301 in NFC: 20 of them are 40 marks after normalizing.
        var clean = TextHygiene.Clean("1" + new string('\u0344', 20), Strip)!;

        Assert.Equal(1 + 40 + 1, clean.Length);
        Assert.Equal('\u034F', clean[31]);
        Assert.Equal(clean, TextHygiene.Clean(clean, Strip));
    }
}
