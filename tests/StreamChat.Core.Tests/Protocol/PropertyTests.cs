using System.Diagnostics;
using System.Text;
using CsCheck;
using StreamChat.Core.Identity.Internal;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Tests.Protocol;

/// <summary>
/// Issue 19: generated inputs for the frame parser, the identity rules and every normalizer the moderators use. None
/// throws, each output is bounded by its input, and work grows linearly: four times the input costs at most eight
/// times the time (the fastest of several rounds, so a busy machine does not decide it).
/// </summary>
[Collection(nameof(Moderation.TimingCollection))]
public sealed class PropertyTests
{
    /// <summary>Any UTF-16 text, lone surrogates, controls and combining marks included.</summary>
    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.String,
        Gen.Char.Array[0, 300].Select(static cs => new string(cs)),
        Gen.OneOf(Gen.Char['\u0000', '\u007F'], Gen.Char['\u0300', '\u036F'], Gen.Char['\u2000', '\u206F'], Gen.Char['\uD800', '\uDFFF'], Gen.Char['\u3130', '\u318F'])
            .Array[0, 300].Select(static cs => new string(cs)));

    /// <summary>Bytes that look like frames: JSON pieces, field names, escapes, broken UTF-8 and random bytes.</summary>
    private static readonly Gen<byte[]> FrameBytes = Gen.OneOf(
        Gen.Byte.Array[0, 400],
        Gen.OneOf(
                Gen.Const("{"), Gen.Const("}"), Gen.Const("["), Gen.Const("]"), Gen.Const(","), Gen.Const(":"), Gen.Const("\""),
                Gen.Const("\"action\""), Gen.Const("\"message\""), Gen.Const("\"seq\""), Gen.Const("\"limit\""), Gen.Const("\"since\""),
                Gen.Const("\"replyTo\""), Gen.Const("\"emoji\""), Gen.Const("\"toUserId\""), Gen.Const("\"hello\""), Gen.Const("null"),
                Gen.Const("true"), Gen.Const("-1"), Gen.Const("1e400"), Gen.Const("18446744073709551616"), Gen.Const("\\ud800"),
                Gen.Const("\\u0000"), Gen.Const("\u00e9"), Gen.Const("\u00c3("), Gen.String)
            .Array[0, 40]
            .Select(static parts => Encoding.UTF8.GetBytes(string.Concat(parts))));

    [Fact]
    public void FrameParser_NeverThrows_AndWhatItReadsIsPartOfTheFrame()
    {
        FrameBytes.Sample(bytes =>
        {
            if (ClientFrameParser.TryParse(bytes, out var frame))
            {
                Assert.True(frame.Message is null || frame.Message.Length <= bytes.Length);
                Assert.True(frame.Action is null || frame.Action.Length <= bytes.Length);
                Assert.True(frame.Seq is null || frame.Seq > 0);
            }
        }, iter: 3000);
    }

    [Fact]
    public void FrameParser_ValidFramesRoundTrip_WhateverTheText()
    {
        AnyText.Where(static t => Internal.WellFormedText.IndexOfLoneSurrogate(t) < 0).Sample(text =>
        {
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["action"] = "message", ["message"] = text });
            Assert.True(ClientFrameParser.TryParse(json, out var frame));
            Assert.Equal("message", frame.Action);
            Assert.Equal(text, frame.Message);
        }, iter: 1000);
    }

    [Fact]
    public void IdentityRules_NeverThrow_AndAnAcceptedNameShowsALetterOrDigit_InAtMost64Characters()
    {
        Gen.Select(AnyText, AnyText, AnyText).Sample((stream, user, name) =>
        {
            var refusal = IdentityRules.Check(new ConnectRequest("c-1", stream, user, name));
            if (refusal is null)
            {
                Assert.Matches("^[A-Za-z0-9_.:-]{1,128}$", stream);
                Assert.Matches("^[A-Za-z0-9_.:-]{1,128}$", user);
                Assert.InRange(name.EnumerateRunes().Count(), 1, 64);
                Assert.Contains(name.EnumerateRunes(), static r => Rune.IsLetterOrDigit(r));
                Assert.DoesNotContain(name.EnumerateRunes(), static r => Rune.GetUnicodeCategory(r) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format);
            }

            // The look-alike keys of any name are computed without throwing, and a name is always confusable with itself.
            var keys = Confusables.NameKeys(name);
            Assert.True(Confusables.AreConfusable(keys, Confusables.NameKeys(name)));
        }, iter: 2000);
    }

    [Fact]
    public void TextHygiene_NeverThrows_LeavesNoControlOrBidi_AndGrowsTheTextAtMostAsNfcMay()
    {
        var options = new TextOptions();
        AnyText.Sample(text =>
        {
            var clean = TextHygiene.Clean(text, options)!;
            // NFC can lengthen text (U+0344 is U+0308 U+0301), by three times at most (UAX #15); removal only shortens it.
            Assert.True(clean.Length <= 3 * text.Length);
            Assert.DoesNotContain(clean, static c => TextHygiene.IsUnsafe(c));
            Assert.True(Internal.WellFormedText.IndexOfLoneSurrogate(clean) < 0);
            Assert.Equal(clean, TextHygiene.Clean(clean, options));
        }, iter: 3000);
    }

    /// <summary>Each normalizer the moderators read text through, with the most it may grow a text (NFKD can, 18 times at most).</summary>
    public static TheoryData<string> Normalizers => ["TextFolding.Fold", "PiiTextFolding.FoldSpelledDigits", "PiiTextFolding.CollapseSpacedCharacters", "SpamMessageModerator.PhraseView", "Confusables.Skeleton", "LexiconHostilityScorer.Score", "TextHygiene.Clean"];

    private static readonly LexiconHostilityScorer Hostility = new();

    private static int Run(string normalizer, string text) => normalizer switch
    {
        "TextFolding.Fold" => TextFolding.Fold(text).Length,
        "PiiTextFolding.FoldSpelledDigits" => PiiTextFolding.FoldSpelledDigits(text)?.Length ?? text.Length,
        "PiiTextFolding.CollapseSpacedCharacters" => PiiTextFolding.CollapseSpacedCharacters(text)?.Length ?? text.Length,
        "SpamMessageModerator.PhraseView" => SpamMessageModerator.PhraseView(text).Length,
        "Confusables.Skeleton" => Confusables.Skeleton(text).Length,
        "LexiconHostilityScorer.Score" => (int)(Hostility.Score(text).Value * 0) + text.Length,
        "TextHygiene.Clean" => TextHygiene.Clean(text, new TextOptions())!.Length,
        _ => throw new ArgumentOutOfRangeException(nameof(normalizer)),
    };

    [Theory]
    [MemberData(nameof(Normalizers))]
    public void Normalizer_NeverThrows_AndItsOutputIsBounded(string normalizer)
    {
        AnyText.Sample(text => Assert.InRange(Run(normalizer, text), 0, (18 * text.Length) + 2), iter: 2000);
    }

    [Theory]
    [MemberData(nameof(Normalizers))]
    public void Normalizer_TakesTimeLinearInItsInput(string normalizer)
    {
        Gen.OneOf(AnyText.Where(static t => t.Length > 0), Gen.OneOf(Gen.Const("1.a.2.b."), Gen.Const("f u c k "), Gen.Const("at dot "), Gen.Const("9 "), Gen.Const("\u0301"), Gen.Const("\uFDFA")))
            .Sample(unit =>
            {
                var small = Repeat(unit, 100);
                var large = Repeat(unit, 400);
                var ratio = Cost(normalizer, large) / Cost(normalizer, small);
                if (ratio > 8)
                {
                    ratio = Math.Min(ratio, Cost(normalizer, large) / Cost(normalizer, small));
                }

                Assert.True(ratio <= 8, $"{normalizer}: four times the input took {ratio:F1} times as long");
            }, iter: 25, threads: 1);
    }

    private static string Repeat(string unit, int length)
    {
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }

        return builder.ToString(0, length);
    }

    private static double Cost(string normalizer, string text)
    {
        var best = double.MaxValue;
        for (var round = 0; round < 7; round++)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < 20; i++)
            {
                Run(normalizer, text);
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        return Math.Max(best, 1);
    }
}
