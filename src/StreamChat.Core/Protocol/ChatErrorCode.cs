namespace StreamChat.Core.Protocol;

/// <summary>
/// The error codes of an <c>error</c> frame, as the wire protocol names them.
/// </summary>
public enum ChatErrorCode
{
    /// <summary>The frame is not a JSON object (<c>invalid_json</c>).</summary>
    InvalidJson,

    /// <summary>The <c>action</c> is not one the server knows (<c>unknown_action</c>).</summary>
    UnknownAction,

    /// <summary>A field the action needs is absent or has the wrong type (<c>missing_field</c>).</summary>
    MissingField,

    /// <summary>The message text is empty after trimming (<c>empty_message</c>).</summary>
    EmptyMessage,

    /// <summary>The message text is longer than the configured limit (<c>message_too_long</c>).</summary>
    MessageTooLong,

    /// <summary>The frame is larger than the configured frame limit (<c>frame_too_large</c>).</summary>
    FrameTooLarge,

    /// <summary>The server failed to handle the frame (<c>internal_error</c>).</summary>
    InternalError,

    /// <summary>The sender's role may not use the command (<c>forbidden</c>).</summary>
    Forbidden,

    /// <summary>The message starts with <c>/</c> but names no command the server knows (<c>unknown_command</c>).</summary>
    UnknownCommand,

    /// <summary>A command's arguments are missing or malformed; the message names the usage (<c>invalid_command</c>).</summary>
    InvalidCommand,

    /// <summary>The sender made too many requests of this kind (<c>rate_limited</c>); the frame carries <c>retryAfter</c>.</summary>
    RateLimited,

    /// <summary>A reply or reaction names a message the stream's history does not hold (<c>unknown_message</c>).</summary>
    UnknownMessage,

    /// <summary>A reaction's emoji is not one the server allows; the message lists them (<c>invalid_reaction</c>).</summary>
    InvalidReaction,

    /// <summary>A private message's recipient is not in the stream, or is banned from it (<c>recipient_unavailable</c>).</summary>
    RecipientUnavailable,

    /// <summary>The frame came as a binary WebSocket frame; the protocol is text only (<c>binary_frame</c>). The connection stays open.</summary>
    BinaryFrame,

    /// <summary>
    /// The message holds control characters or bidirectional formatting and <see cref="TextOptions.ControlCharacters"/>
    /// is <see cref="ControlCharacterHandling.Refuse"/> (<c>invalid_text</c>).
    /// </summary>
    InvalidText,
}
