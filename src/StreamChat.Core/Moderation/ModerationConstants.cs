namespace StreamChat.Core.Moderation;

internal static class ModerationConstants
{
    public const string DefaultPhoneRegion = "US";

    public const string ProfanityExplanation = "Your message was not sent because it contains language that is not allowed here.";

    public const string SpamExplanation = "Your message was not sent because it looks like spam.";

    public const string LinkExplanation = "Your message was not sent because links to that site are not allowed here.";

    public const string DuplicateExplanation = "Your message was not sent because you just sent the same thing. Say something new.";

    public const string PiiExplanation = "Your message was not sent because it contains personal information (such as an e-mail address, phone, card or account number). Keep personal details out of public chat.";

    public const string PiiRedactedExplanation = "Your message was sent with personal information (such as an e-mail address, phone, card or account number) masked. Keep personal details out of public chat.";

    public const string HostilityExplanation = "Your message was not sent because it reads as hostile toward someone. Please keep the chat respectful.";

    public const string UnavailableExplanation = "Your message was not sent because moderation is unavailable right now. Try again shortly.";
}
