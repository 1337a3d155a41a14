using Microsoft.Extensions.Options;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Tests.Moderation;

public sealed class LocalModeratorTests
{
    private static ModerationContext Context(string text) => new(text, "stream-1", "user-1", "c-1", "01J00000000000000000000000");

    private static async Task<ModerationResult> ModerateAsync(IMessageModerator moderator, string text) =>
        await moderator.ModerateAsync(Context(text));

    private static IOptions<StreamChatOptions> Options(Action<StreamChatOptions>? configure = null)
    {
        var options = new StreamChatOptions();
        configure?.Invoke(options);
        return Microsoft.Extensions.Options.Options.Create(options);
    }

    [Theory]
    [InlineData("what the fuck")]
    [InlineData("FUCK this")]
    [InlineData("you absolute bastard!")]
    [InlineData("shit, I died again")]
    public async Task Profanity_ListedWord_IsBlocked(string text)
    {
        var result = await ModerateAsync(new ProfanityMessageModerator(Options()), text);

        Assert.True(result.IsBlocked);
        Assert.Equal(BlockReason.Profanity, result.Reason);
        Assert.Equal("profanity.word", result.Rule);
    }

    [Theory]
    [InlineData("I grew up in Scunthorpe")]
    [InlineData("what a classic play")]
    [InlineData("the assassin build is strong")]
    [InlineData("cockpit view please")]
    [InlineData("greetings from Sussex")]
    [InlineData("my therapist says hi")]
    [InlineData("Hello everyone! Great stream today 🎉")]
    public async Task Profanity_CleanWordContainingARudeOne_IsAllowed(string text)
    {
        var result = await ModerateAsync(new ProfanityMessageModerator(Options()), text);

        Assert.False(result.IsBlocked);
    }

    [Fact]
    public async Task Profanity_ConfiguredWords_AreBlockedAndAllowListWins()
    {
        var sut = new ProfanityMessageModerator(Options(o =>
        {
            o.Moderation.BlockedWords.Add("noob");
            o.Moderation.AllowedWords.Add("shit");
        }));

        Assert.True((await ModerateAsync(sut, "total Noob move")).IsBlocked);
        Assert.False((await ModerateAsync(sut, "holy shit")).IsBlocked);
    }

    [Fact]
    public async Task Profanity_Disabled_AllowsEverything()
    {
        var sut = new ProfanityMessageModerator(Options(o => o.Moderation.ProfanityEnabled = false));

        Assert.False((await ModerateAsync(sut, "fuck")).IsBlocked);
    }

    [Theory]
    [InlineData("FREE V-BUCKS!!! Click here to buy followers cheap", "spam.phrase")]
    [InlineData("want to buy followers? dm me", "spam.phrase")]
    [InlineData("Double your Bitcoin today", "spam.phrase")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "spam.repeated_characters")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!", "spam.repeated_characters")]
    public async Task Spam_PhraseOrFlood_IsBlocked(string text, string rule)
    {
        var result = await ModerateAsync(new SpamMessageModerator(Options()), text);

        Assert.True(result.IsBlocked);
        Assert.Equal(BlockReason.Spam, result.Reason);
        Assert.Equal(rule, result.Rule);
    }

    [Theory]
    [InlineData("gg wp, that was close")]
    [InlineData("noooooo")]
    [InlineData("hahahahahahahahahahaha")]
    [InlineData("here we go again")]
    public async Task Spam_OrdinaryChat_IsAllowed(string text)
    {
        Assert.False((await ModerateAsync(new SpamMessageModerator(Options()), text)).IsBlocked);
    }

    [Fact]
    public async Task Spam_ConfiguredPhrase_IsBlocked()
    {
        var sut = new SpamMessageModerator(Options(o => o.Moderation.SpamPhrases.Add("visit my shop")));

        Assert.True((await ModerateAsync(sut, "Visit My Shop now")).IsBlocked);
    }

    [Theory]
    [InlineData("mail me: jane.doe@example.com", "pii.email")]
    [InlineData("JOHN_SMITH+chat@mail.example.co.uk is me", "pii.email")]
    [InlineData("card 4111 1111 1111 1111 exp 12/29", "pii.card")]
    [InlineData("4111-1111-1111-1111", "pii.card")]
    [InlineData("amex 378282246310005", "pii.card")]
    [InlineData("call me on +44 20 7946 0958", "pii.phone")]
    [InlineData("my number is (415) 555-2671", "pii.phone")]
    [InlineData("text 212-456-7890 tonight", "pii.phone")]
    [InlineData("whatsapp +49 30 901820", "pii.phone")]
    public async Task Pii_PersonalData_IsBlocked(string text, string rule)
    {
        var result = await ModerateAsync(new PiiMessageModerator(Options()), text);

        Assert.True(result.IsBlocked);
        Assert.Equal(BlockReason.Pii, result.Reason);
        Assert.Equal(rule, result.Rule);
    }

    [Theory]
    [InlineData("order 4111 1111 1111 1112 shipped")]  // fails Luhn
    [InlineData("my score is 1234567890123")]
    [InlineData("it costs $1,299.99")]
    [InlineData("see you at 10:30 in 2026")]
    [InlineData("running version 10.0.401")]
    [InlineData("gg 3-2")]
    [InlineData("@streamer hello")]
    public async Task Pii_NumbersThatOnlyLookLikePii_AreAllowed(string text)
    {
        Assert.False((await ModerateAsync(new PiiMessageModerator(Options()), text)).IsBlocked);
    }

    [Fact]
    public async Task Pii_Disabled_AllowsEverything()
    {
        var sut = new PiiMessageModerator(Options(o => o.Moderation.PiiEnabled = false));

        Assert.False((await ModerateAsync(sut, "jane.doe@example.com")).IsBlocked);
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    public void PassesLuhn_KnownNumbers(string digits, bool expected)
    {
        Assert.Equal(expected, PaymentCard.PassesLuhn(digits));
    }
}
