namespace StreamChat.AspNetCore;

internal static class WebSocketConstants
{
    public const int DefaultSendQueueCapacity = 1024;
    public const int DefaultReceiveBufferSize = 4096;
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(5);
}
