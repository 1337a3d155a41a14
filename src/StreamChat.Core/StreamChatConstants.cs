namespace StreamChat.Core;

internal static class StreamChatConstants
{
    public const int DefaultMaxMessageLength = 500;
    public const int DefaultMaxFrameBytes = 32 * 1024;
    public const int DefaultHistoryLimit = 50;
    public const int DefaultMaxHistoryLimit = 100;
    public const int DefaultMaxMessagesPerStream = 1_000;
    public const int DefaultMaxConnectionsPerUser = 5;
    public const string DefaultWelcomeMessage = "Welcome to the chat!";
    public const int DefaultMaxRecoveredMessages = 200;
    public const int ReplyQuoteLength = 100;
    public static readonly TimeSpan DefaultMessageTimeToLive = TimeSpan.FromHours(24);

    public static readonly TimeSpan DefaultMaxFrameOrderWait = TimeSpan.FromSeconds(2);
}
