namespace StreamChat.AspNetCore.Internal;

/// <summary>Registered by AddStreamChat so MapStreamChat can tell it was called.</summary>
internal sealed class StreamChatMarkerService;
