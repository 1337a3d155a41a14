using StreamChat.Core.Identity.Internal;

namespace StreamChat.Core.Tests.Identity;

/// <summary>Issue 19: names that show nothing or impersonate; TR39 skeletons from the generated table.</summary>
public sealed class DisplayNameRulesTests
{
    [Theory]
    [InlineData("Alice")]
    [InlineData("ana_99")]
    [InlineData("Zoë")]
    [InlineData("Nguyễn Văn An")]
    [InlineData("김민준")]
    [InlineData("क्षितिज")]
    [InlineData("محمد")]
    [InlineData("x\u2800\u2800y")]
    [InlineData("Z\u0301\u0302\u0303\u0304")]
    [InlineData("7")]
    public void Username_WithAVisibleLetterOrDigit_IsValid(string name) => Assert.True(IdentityRules.IsValidUsername(name));

    [Theory]
    [InlineData("\u3164")]
    [InlineData("\u3164\u3164\u3164")]
    [InlineData("\uFFA0\u115F\u1160")]
    [InlineData("\u2800\u2800")]
    [InlineData("\u0301\u0301\u0301")]
    [InlineData("Z\u0301\u0302\u0303\u0304\u0305")]
    [InlineData("...")]
    [InlineData("🙂🙂")]
    [InlineData("\u200B\u200B")]
    [InlineData("a\u202Eb")]
    public void Username_ThatShowsNothing_OrStacksMarks_IsInvalid(string name) => Assert.False(IdentityRules.IsValidUsername(name));

    [Theory]
    [InlineData("Alice", "\u0410lice")]
    [InlineData("Alice", "A1ice")]
    [InlineData("Alice", "AIice")]
    [InlineData("Alice", "ALICE")]
    [InlineData("Alice", "alice")]
    [InlineData("modern", "rnodern")]
    [InlineData("paypal", "\u0440\u0430ypal")]
    [InlineData("Bob", "B\u043Eb")]
    [InlineData("Zoë", "Zoe\u0308")]
    public void Names_ThatLookAlike_AreConfusable(string a, string b) =>
        Assert.True(Confusables.AreConfusable(Confusables.NameKeys(a), Confusables.NameKeys(b)));

    [Theory]
    [InlineData("Alice", "Alicia")]
    [InlineData("Bob", "Rob")]
    [InlineData("Zoë", "Zoe")]
    [InlineData("ana", "anna")]
    public void Names_ThatDiffer_AreNotConfusable(string a, string b) =>
        Assert.False(Confusables.AreConfusable(Confusables.NameKeys(a), Confusables.NameKeys(b)));

    [Fact]
    public void Skeleton_FollowsTr39_OnItsOwnExamples()
    {
        // TR39 section 4's example pair, and the classic rn/m.
        Assert.Equal(Confusables.Skeleton("\u0070\u0430\u0079\u0070\u0430\u006C"), Confusables.Skeleton("paypal"));
        Assert.Equal(Confusables.Skeleton("m"), Confusables.Skeleton("rn"));
        Assert.NotEqual(Confusables.Skeleton("m"), Confusables.Skeleton("n"));
    }
}
