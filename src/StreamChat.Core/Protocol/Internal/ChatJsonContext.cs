using System.Text.Json.Serialization;

namespace StreamChat.Core.Protocol.Internal;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(WelcomeFrame))]
[JsonSerializable(typeof(UserJoinedFrame))]
[JsonSerializable(typeof(UserLeftFrame))]
[JsonSerializable(typeof(MessageFrame))]
[JsonSerializable(typeof(MessageBlockedFrame))]
[JsonSerializable(typeof(MessageRedactedFrame))]
[JsonSerializable(typeof(ErrorFrame))]
[JsonSerializable(typeof(PongFrame))]
[JsonSerializable(typeof(HistoryFrame))]
[JsonSerializable(typeof(UserBannedFrame))]
[JsonSerializable(typeof(UserTimedOutFrame))]
[JsonSerializable(typeof(UserUnbannedFrame))]
[JsonSerializable(typeof(UserShadowBannedFrame))]
[JsonSerializable(typeof(UserUnshadowBannedFrame))]
[JsonSerializable(typeof(MessagesDeletedFrame))]
[JsonSerializable(typeof(MessageDeletedFrame))]
[JsonSerializable(typeof(ChatClearedFrame))]
[JsonSerializable(typeof(SlowModeFrame))]
[JsonSerializable(typeof(CommandResultFrame))]
[JsonSerializable(typeof(ReactionsFrame))]
[JsonSerializable(typeof(WhisperFrame))]
[JsonSerializable(typeof(ViewerCountFrame))]
internal sealed partial class ChatJsonContext : JsonSerializerContext;
