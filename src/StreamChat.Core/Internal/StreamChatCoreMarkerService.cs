namespace StreamChat.Core.Internal;

/// <summary>Registered once by AddStreamChatCore so repeated calls add nothing.</summary>
internal sealed class StreamChatCoreMarkerService;
