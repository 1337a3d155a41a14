namespace StreamChat.Core.Moderation;

internal static class ModerationConstants
{
    public const int DefaultMaxRepeatedCharacters = 15;

    public const string DefaultPhoneRegion = "US";

    public const string ProfanityExplanation = "Your message was not sent because it contains language that is not allowed here.";

    public const string SpamExplanation = "Your message was not sent because it looks like spam.";

    public const string PiiExplanation = "Your message was not sent because it contains personal information (an e-mail address, phone number or card number). Keep personal details out of public chat.";

    public const string UnavailableExplanation = "Your message was not sent because moderation is unavailable right now. Try again shortly.";
}
