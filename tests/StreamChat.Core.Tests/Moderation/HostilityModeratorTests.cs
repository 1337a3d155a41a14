using Microsoft.Extensions.Options;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Tests.Moderation;

/// <summary>The local hostility rule. Examples here are not corpus lines.</summary>
public sealed class HostilityModeratorTests
{
    private static readonly LexiconHostilityScorer Scorer = new();

    private static ModerationResult Moderate(string text, Action<StreamChatOptions>? configure = null)
    {
        var options = new StreamChatOptions();
        configure?.Invoke(options);
        var sut = new HostilityMessageModerator(Scorer, Options.Create(options));
        return sut.ModerateAsync(new ModerationContext(text, "s", "u", "c", "m")).AsTask().GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData("you are such a moron", "toxicity.insult")]
    [InlineData("ur a complete waste of space", "toxicity.insult")]
    [InlineData("What a LOSER you are lol", "toxicity.insult")]
    [InlineData("the host is a clown", "toxicity.insult")]
    [InlineData("i'll find you after school", "toxicity.threat")]
    [InlineData("im gonna stab you irl", "toxicity.threat")]
    [InlineData("i will strangle you", "toxicity.threat")]
    [InlineData("somebody should shoot this guy", "toxicity.threat")]
    [InlineData("nobody cares about you, leave", "toxicity.harassment")]
    [InlineData("everybody hates you here", "toxicity.harassment")]
    [InlineData("go hang yourself", "toxicity.self_harm")]
    [InlineData("k1ll yourself", "toxicity.self_harm")]
    [InlineData("do us all a favor and die", "toxicity.self_harm")]
    [InlineData("immigrants are vermin", "toxicity.identity")]
    [InlineData("gay people should be banned", "toxicity.identity")]
    [InlineData("go back to where you came from", "toxicity.identity")]
    public void Hostile_IsBlockedWithItsRule(string text, string rule)
    {
        var result = Moderate(text);
        Assert.True(result.IsBlocked, $"'{text}' was allowed");
        Assert.Equal(BlockReason.Toxicity, result.Reason);
        Assert.Equal(rule, result.Rule);
    }

    [Theory]
    [InlineData("kill him")]
    [InlineData("i'm going to kill you next round")]
    [InlineData("i'll destroy you in the 1v1")]
    [InlineData("that play was sick")]
    [InlineData("I'm dying lol")]
    [InlineData("we have to kill the boss first")]
    [InlineData("you will die to that boss so fast")]
    [InlineData("i'll follow you on twitter")]
    [InlineData("what a stupid idea for a patch")]
    [InlineData("you're so good at this")]
    [InlineData("women are amazing at this game")]
    [InlineData("muslims are celebrating eid today")]
    [InlineData("i know where you went wrong")]
    [InlineData("do everyone a favor and hydrate")]
    [InlineData("this ref is terrible")]
    [InlineData("I feel so stupid")]
    [InlineData("i'm such an idiot, forgot to save")]
    [InlineData("the villain is such a creep")]
    public void OrdinaryAndGameTalk_Passes(string text)
    {
        Assert.False(Moderate(text).IsBlocked, $"'{text}' was blocked ({Moderate(text).Rule})");
    }

    [Theory]
    [InlineData("i'm going to kill you")]  // no game, no real-world anchor
    [InlineData("you're trash")]
    [InlineData("what an ugly skin")]
    [InlineData("what a loser move")]  // no person named: unsure, not blocked
    public void Unsure_PassesLocally_ButScoresInTheUnsureBand(string text)
    {
        var score = Scorer.Score(text);
        Assert.False(Moderate(text).IsBlocked);
        Assert.InRange(score.Value, 0.4, 0.79);
    }

    [Fact]
    public void Thresholds_AreConfigurable_AndTheRuleCanBeSwitchedOff()
    {
        Assert.True(Moderate("you're trash", o => o.Moderation.Hostility.BlockThreshold = 0.5).IsBlocked);
        Assert.False(Moderate("you are such a moron", o => o.Moderation.Hostility.Enabled = false).IsBlocked);
    }

    [Fact]
    public void OrdinaryChat_ScoresZero()
    {
        Assert.Equal(HostilityScore.None, Scorer.Score("gg wp, see you next stream"));
        Assert.Equal(HostilityScore.None, Scorer.Score(string.Empty));
        Assert.Equal(HostilityScore.None, Scorer.Score(new string('a', 5000)));
    }

    [Fact]
    public void Lexicon_WithAnUnknownClassOrABadFirstSlot_FailsAtStartUp()
    {
        Assert.Throws<InvalidOperationException>(() => new LexiconHostilityScorer(["=a x", "1.0 r - @b"]));
        Assert.Throws<InvalidOperationException>(() => new LexiconHostilityScorer(["=a x", "1.0 r - * x"]));
        Assert.Throws<InvalidOperationException>(() => new LexiconHostilityScorer(["1.0 r"]));
    }
}
