using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StreamChat.Core.Identity;
using StreamChat.Core.Moderation;
using StreamChat.Core.RateLimiting;

namespace StreamChat.Core;

/// <summary>Options of the chat pipeline, shared by every host.</summary>
public sealed class StreamChatOptions
{
    /// <summary>Gets or sets the longest message text, in Unicode characters after trimming.</summary>
    /// <value>The default value is 500.</value>
    [Range(1, 16_000)]
    public int MaxMessageLength { get; set; } = StreamChatConstants.DefaultMaxMessageLength;

    /// <summary>Gets or sets the largest client frame in bytes; larger frames get <c>frame_too_large</c>.</summary>
    /// <value>The default value is 32768 (32 KB).</value>
    [Range(1_024, 1_048_576)]
    public int MaxFrameBytes { get; set; } = StreamChatConstants.DefaultMaxFrameBytes;

    /// <summary>Gets or sets how many messages <c>history</c> returns when the client gives no <c>limit</c>.</summary>
    /// <value>The default value is 50.</value>
    [Range(1, 1_000)]
    public int DefaultHistoryLimit { get; set; } = StreamChatConstants.DefaultHistoryLimit;

    /// <summary>Gets or sets the most messages one <c>history</c> request returns; larger limits are lowered to it.</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 1_000)]
    public int MaxHistoryLimit { get; set; } = StreamChatConstants.DefaultMaxHistoryLimit;

    /// <summary>Gets or sets how long delivered messages are kept for history.</summary>
    /// <value>The default value is 24 hours. It must be between one second and 365 days.</value>
    public TimeSpan MessageTimeToLive { get; set; } = StreamChatConstants.DefaultMessageTimeToLive;

    /// <summary>Gets or sets the most messages the in-memory store keeps per stream; the oldest go first.</summary>
    /// <value>The default value is 1000.</value>
    [Range(1, 1_000_000)]
    public int MaxMessagesPerStream { get; set; } = StreamChatConstants.DefaultMaxMessagesPerStream;

    /// <summary>
    /// Gets or sets the most messages a reconnecting client is sent after <c>hello</c> with <c>since</c>; a longer gap
    /// is answered <c>recovered: false</c> and the client reloads history.
    /// </summary>
    /// <value>The default value is 200.</value>
    [Range(1, 10_000)]
    public int MaxRecoveredMessages { get; set; } = StreamChatConstants.DefaultMaxRecoveredMessages;

    /// <summary>
    /// Gets or sets how long a frame numbered with <c>seq</c> waits for the frames numbered before it, on hosts that
    /// may handle a connection's frames concurrently (the Lambda host, see <see cref="Connections.IFrameSequencer"/>);
    /// after it, the frame goes ahead as if its predecessors had been handled.
    /// </summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan MaxFrameOrderWait { get; set; } = StreamChatConstants.DefaultMaxFrameOrderWait;

    /// <summary>Gets or sets the greeting carried by the <c>welcome</c> frame.</summary>
    /// <value>The default value is "Welcome to the chat!".</value>
    [Required]
    [StringLength(500, MinimumLength = 1)]
    public string WelcomeMessage { get; set; } = StreamChatConstants.DefaultWelcomeMessage;

    /// <summary>
    /// Gets or sets the most connections one stream may hold; a handshake beyond it is refused with 429.
    /// </summary>
    /// <value>
    /// The default is <see langword="null"/>: no limit. Checking costs one count of the stream's connections per
    /// handshake (one Query on DynamoDB), so set it only when you need it.
    /// </value>
    [Range(1, int.MaxValue)]
    public int? MaxConnectionsPerStream { get; set; }

    /// <summary>
    /// Gets or sets the most connections one user may hold in one stream; a handshake beyond it is refused with 429 and
    /// nothing is stored. <see langword="null"/> (an empty setting) lifts the limit.
    /// </summary>
    /// <value>The default value is 5.</value>
    [Range(1, int.MaxValue)]
    public int? MaxConnectionsPerUser { get; set; } = StreamChatConstants.DefaultMaxConnectionsPerUser;

    /// <summary>
    /// Gets or sets a value indicating whether connections without a token may say who they are in the query string
    /// (<c>userId</c>, <c>username</c>, and <c>role</c> for testing moderator features). For local development only:
    /// anyone can claim any identity. A token that is presented is always validated, and refused if invalid.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowDevelopmentIdentity { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>internal_error</c> frames carry exception details. Never in production.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IncludeExceptionDetails { get; set; }

    /// <summary>Gets the options of moderation as a whole and of the local rules.</summary>
    [ValidateObjectMembers]
    public ModerationOptions Moderation { get; } = new();

    /// <summary>Gets the per-user message, <c>history</c> and per-address handshake limits.</summary>
    [ValidateObjectMembers]
    public RateLimitOptions RateLimits { get; } = new();

    /// <summary>Gets the allowed reaction emoji and how often reaction counts are sent.</summary>
    public ReactionOptions Reactions { get; } = new();

    /// <summary>Gets when join and leave notices give way to a periodic viewer count.</summary>
    [ValidateObjectMembers]
    public PresenceOptions Presence { get; } = new();

    /// <summary>Gets what happens to control characters and bidirectional formatting in message text, and whether it is NFC.</summary>
    public TextOptions Text { get; } = new();

    /// <summary>Gets the rules for display names beyond the protocol's: names that look like someone else's in the stream.</summary>
    [ValidateObjectMembers]
    public DisplayNameOptions DisplayNames { get; } = new();

    /// <summary>Gets which claims carry the user id, display name and role.</summary>
    [ValidateObjectMembers]
    public ChatIdentityOptions Identity { get; } = new();
}
