using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute.ExceptionExtensions;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Identity;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Protocol;
using StreamChat.Core.Sanctions;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Pipeline;

public sealed class ChatPipelineTests
{
    private static readonly ChatConnection Alice = new("c-alice", "stream-1", "alice", "Alice", DateTimeOffset.UnixEpoch);

    private readonly IConnectionStore _connections = Substitute.For<IConnectionStore>();
    private readonly IMessageStore _messages = Substitute.For<IMessageStore>();
    private readonly IMessageModerator _moderator = Substitute.For<IMessageModerator>();
    private readonly IModerationAuditSink _audit = Substitute.For<IModerationAuditSink>();
    private readonly IChatBroadcaster _broadcaster = Substitute.For<IChatBroadcaster>();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 18, 0, 0, 123, TimeSpan.Zero));
    private readonly StreamChatOptions _options = new();
    private ISanctionStore? _sanctions;
    private IFrameSequencer? _sequencer;

    public ChatPipelineTests()
    {
        _connections.AddAsync(Arg.Any<ChatConnection>(), Arg.Any<CancellationToken>()).Returns(true);
        _connections.GetAsync(Alice.ConnectionId, Arg.Any<CancellationToken>()).Returns(Alice);
        _connections.CountAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(3);
        _moderator.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>()).Returns(ModerationResult.Allowed);
        _broadcaster.SendToStreamAsync(Arg.Any<string>(), Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns(new BroadcastResult(2));
        _broadcaster.SendToConnectionAsync(Arg.Any<string>(), Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<CancellationToken>()).Returns(new BroadcastResult(1));
        _messages.GetRecentAsync(Arg.Any<string>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns([]);
    }

    private IChatPipeline CreateSut(params IMessageModerator[] moderators) => CreateSut(moderators, []);

    /// <summary>The pipeline as AddStreamChatCore composes it, over the substitutes (registered first, so they win).</summary>
    private IChatPipeline CreateSut(IMessageModerator[] moderators, IChatPolicy[] policies)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_connections);
        services.AddSingleton(_messages);
        services.AddSingleton(_audit);
        services.AddSingleton(_broadcaster);
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(Options.Create(_options));
        if (_sanctions is not null)
        {
            services.AddSingleton(_sanctions);
        }

        if (_sequencer is not null)
        {
            services.AddSingleton(_sequencer);
        }

        services.AddStreamChatCore();
        services.RemoveAll<IMessageModerator>();
        foreach (var moderator in moderators.Length == 0 ? [_moderator] : moderators)
        {
            services.AddSingleton(moderator);
        }

        foreach (var policy in policies)
        {
            services.AddSingleton(policy);
        }

        return services.BuildServiceProvider().GetRequiredService<IChatPipeline>();
    }

    private static ReadOnlyMemory<byte> Frame(string json) => Encoding.UTF8.GetBytes(json);

    private List<JsonElement> SentToConnection(string connectionId) => _broadcaster.ReceivedCalls()
        .Where(c => c.GetMethodInfo().Name == nameof(IChatBroadcaster.SendToConnectionAsync) && (string)c.GetArguments()[0]! == connectionId)
        .Select(c => JsonDocument.Parse(((ReadOnlyMemory<byte>)c.GetArguments()[1]!)).RootElement)
        .ToList();

    private List<(string StreamId, string? Except, JsonElement Frame)> SentToStream() => _broadcaster.ReceivedCalls()
        .Where(c => c.GetMethodInfo().Name == nameof(IChatBroadcaster.SendToStreamAsync))
        .Select(c => ((string)c.GetArguments()[0]!, (string?)c.GetArguments()[2], JsonDocument.Parse(((ReadOnlyMemory<byte>)c.GetArguments()[1]!)).RootElement))
        .ToList();

    private JsonElement SingleError() => Assert.Single(SentToConnection(Alice.ConnectionId), f => f.GetProperty("type").GetString() == "error");

    [Fact]
    public async Task ConnectAsync_ValidRequest_StoresConnectionAndAnnouncesJoinToOthers()
    {
        var sut = CreateSut();

        var result = await sut.ConnectAsync(new ConnectRequest("c-bob", "stream-1", "bob", "Bob")).DefaultTimeout();

        Assert.True(result.IsAccepted);
        await _connections.Received(1).AddAsync(Arg.Is<ChatConnection>(c => c.ConnectionId == "c-bob" && c.StreamId == "stream-1" && c.UserId == "bob" && c.Username == "Bob"), Arg.Any<CancellationToken>());
        var (streamId, except, frame) = Assert.Single(SentToStream());
        Assert.Equal("stream-1", streamId);
        Assert.Equal("c-bob", except);
        Assert.Equal("user_joined", frame.GetProperty("type").GetString());
        Assert.Equal("bob", frame.GetProperty("userId").GetString());
        Assert.Equal("Bob", frame.GetProperty("username").GetString());
        Assert.Equal("2026-11-25T18:00:00.123Z", frame.GetProperty("timestamp").GetString());
    }

    [Theory]
    [InlineData(null, "bob", "Bob")]
    [InlineData("", "bob", "Bob")]
    [InlineData("stream 1", "bob", "Bob")]
    [InlineData("stream/1", "bob", "Bob")]
    [InlineData("stream-1", null, "Bob")]
    [InlineData("stream-1", "bob<script>", "Bob")]
    [InlineData("stream-1", "bob", "")]
    [InlineData("stream-1", "bob", "   ")]
    [InlineData("stream-1", "bob", "Bob\u0000")]
    [InlineData("stream-1", "bob", "Bob\nSmith")]
    [InlineData("stream-1\n", "bob", "Bob")]
    public async Task ConnectAsync_InvalidIdentity_RefusesWith400AndStoresNothing(string? streamId, string? userId, string? username)
    {
        var sut = CreateSut();

        var result = await sut.ConnectAsync(new ConnectRequest("c-bob", streamId, userId, username)).DefaultTimeout();

        Assert.False(result.IsAccepted);
        Assert.Equal(400, result.StatusCode);
        Assert.False(string.IsNullOrEmpty(result.Reason));
        await _connections.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
        Assert.Empty(_broadcaster.ReceivedCalls());
    }

    [Fact]
    public async Task ConnectAsync_IdsAtTheLengthLimits_AreAcceptedAndOneOverIsRefused()
    {
        var sut = CreateSut();
        var longest = new string('a', 128);

        Assert.True((await sut.ConnectAsync(new ConnectRequest("c1", longest, longest, new string('é', 64))).DefaultTimeout()).IsAccepted);
        Assert.False((await sut.ConnectAsync(new ConnectRequest("c2", longest + "a", "bob", "Bob")).DefaultTimeout()).IsAccepted);
        Assert.False((await sut.ConnectAsync(new ConnectRequest("c3", "s", "bob", new string('x', 65))).DefaultTimeout()).IsAccepted);
    }

    [Fact]
    public async Task ConnectAsync_DuplicateConnectionId_RefusesWithoutAnnouncing()
    {
        _connections.AddAsync(Arg.Any<ChatConnection>(), Arg.Any<CancellationToken>()).Returns(false);
        var sut = CreateSut();

        var result = await sut.ConnectAsync(new ConnectRequest("c-bob", "stream-1", "bob", "Bob")).DefaultTimeout();

        Assert.False(result.IsAccepted);
        Assert.Equal(409, result.StatusCode);
        Assert.Empty(SentToStream());
    }

    [Fact]
    public async Task WelcomeAsync_KnownConnection_SendsWelcomeWithViewerCount()
    {
        _options.WelcomeMessage = "Hi there";
        var sut = CreateSut();

        await sut.WelcomeAsync(Alice.ConnectionId).DefaultTimeout();

        var frame = Assert.Single(SentToConnection(Alice.ConnectionId));
        Assert.Equal("welcome", frame.GetProperty("type").GetString());
        Assert.Equal("stream-1", frame.GetProperty("streamId").GetString());
        Assert.Equal("alice", frame.GetProperty("userId").GetString());
        Assert.Equal("Alice", frame.GetProperty("username").GetString());
        Assert.Equal("Hi there", frame.GetProperty("message").GetString());
        Assert.Equal(3, frame.GetProperty("viewerCount").GetInt32());
    }

    // Issue 19: text hygiene is configurable; under Refuse nobody sees a message holding controls, and the sender is told.
    [Theory]
    [InlineData("red \u001B[31malert")]
    [InlineData("abc\u202Egnp.exe")]
    public async Task MessageAsync_ControlCharacters_RefuseConfigured_AnswersInvalidText_NothingStoredOrSent(string text)
    {
        _options.Text.ControlCharacters = ControlCharacterHandling.Refuse;
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame(JsonSerializer.Serialize(new { action = "message", message = text }))).DefaultTimeout();

        Assert.Equal("invalid_text", SingleError().GetProperty("code").GetString());
        Assert.Empty(SentToStream());
        await _messages.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
    }

    [Fact]
    public async Task MessageAsync_LineBreaks_RefuseConfigured_StillBecomeSpaces()
    {
        _options.Text.ControlCharacters = ControlCharacterHandling.Refuse;
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"one\r\ntwo\tthree"}""")).DefaultTimeout();

        var (_, _, frame) = Assert.Single(SentToStream());
        Assert.Equal("one two three", frame.GetProperty("message").GetString());
    }

    [Fact]
    public async Task MessageAsync_NfcOff_TextKeepsItsDecomposedForm()
    {
        _options.Text.NormalizeToNfc = false;
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame(JsonSerializer.Serialize(new { action = "message", message = "cafe\u0301" }))).DefaultTimeout();

        var (_, _, frame) = Assert.Single(SentToStream());
        Assert.Equal("cafe\u0301", frame.GetProperty("message").GetString());
    }

    // Issue 19: a look-alike of a name already in the stream is refused (default) or decorated with the user id.
    [Theory]
    [InlineData(ConfusableNameHandling.Refuse, 409, null)]
    [InlineData(ConfusableNameHandling.Decorate, 0, "\u0410lice (@mallory)")]
    [InlineData(ConfusableNameHandling.Allow, 0, "\u0410lice")]
    public async Task ConnectAsync_NameConfusableWithAnotherUsersInTheStream_IsHandledAsConfigured(ConfusableNameHandling handling, int refusedWith, string? storedAs)
    {
        _options.DisplayNames.Confusables = handling;
        _connections.GetByStreamAsync("stream-1", Arg.Any<CancellationToken>()).Returns([Alice]);
        var sut = CreateSut();

        var result = await sut.ConnectAsync(new ConnectRequest("c-mallory", "stream-1", "mallory", "\u0410lice")).DefaultTimeout();

        if (storedAs is null)
        {
            Assert.Equal(refusedWith, result.StatusCode);
            await _connections.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
            return;
        }

        Assert.True(result.IsAccepted);
        await _connections.Received(1).AddAsync(Arg.Is<ChatConnection>(c => c.Username == storedAs), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ConnectAsync_StreamLargerThanTheNameCheck_IsNotRead_AndTheLookAlikeIsAccepted()
    {
        _options.DisplayNames.CheckStreamsUpTo = 2;
        _connections.GetByStreamAsync("stream-1", Arg.Any<CancellationToken>()).Returns([Alice]);
        var sut = CreateSut();

        var result = await sut.ConnectAsync(new ConnectRequest("c-mallory", "stream-1", "mallory", "\u0410lice")).DefaultTimeout();

        Assert.True(result.IsAccepted);
        await _connections.DidNotReceiveWithAnyArgs().GetByStreamAsync(default!, default);
    }

    [Fact]
    public async Task MessageAsync_Hello_SendsWelcome()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"hello"}""")).DefaultTimeout();

        Assert.Equal("welcome", Assert.Single(SentToConnection(Alice.ConnectionId)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task MessageAsync_Ping_SendsPong()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"ping"}""")).DefaultTimeout();

        var frame = Assert.Single(SentToConnection(Alice.ConnectionId));
        Assert.Equal("pong", frame.GetProperty("type").GetString());
        Assert.True(frame.TryGetProperty("timestamp", out _));
    }

    [Fact]
    public async Task MessageAsync_ValidMessage_StoresBeforeBroadcastingToWholeStream()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"  Hello everyone!  "}""")).DefaultTimeout();

        Received.InOrder(() =>
        {
            _messages.AddAsync(Arg.Is<ChatMessage>(m => m.Text == "Hello everyone!" && m.UserId == "alice"), Arg.Any<CancellationToken>());
            _broadcaster.SendToStreamAsync("stream-1", Arg.Any<ReadOnlyMemory<byte>>(), null, Arg.Any<CancellationToken>());
        });
        var (_, except, frame) = Assert.Single(SentToStream());
        Assert.Null(except);
        Assert.Equal("message", frame.GetProperty("type").GetString());
        Assert.Equal("Hello everyone!", frame.GetProperty("message").GetString());
        Assert.Equal(26, frame.GetProperty("messageId").GetString()!.Length);
        await _audit.Received(1).WriteAsync(Arg.Is<ModerationAuditEntry>(e => !e.Blocked && e.UserId == "alice" && e.Text == null), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task MessageAsync_BodyClaimsAnotherIdentity_UsesTheConnectionsIdentity()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hi","userId":"mallory","username":"Admin","streamId":"other"}""")).DefaultTimeout();

        var (streamId, _, frame) = Assert.Single(SentToStream());
        Assert.Equal("stream-1", streamId);
        Assert.Equal("alice", frame.GetProperty("userId").GetString());
        Assert.Equal("Alice", frame.GetProperty("username").GetString());
        Assert.Equal("stream-1", frame.GetProperty("streamId").GetString());
    }

    [Fact]
    public async Task MessageAsync_Blocked_AnswersSenderOnlyAuditsAndStoresNothing()
    {
        _moderator.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>())
            .Returns(ModerationResult.Block(BlockReason.Spam, "spam.phrase", "Looks like spam."));
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"buy followers"}""")).DefaultTimeout();

        var frame = Assert.Single(SentToConnection(Alice.ConnectionId));
        Assert.Equal("message_blocked", frame.GetProperty("type").GetString());
        Assert.Equal("spam", frame.GetProperty("reason").GetString());
        Assert.Equal("Looks like spam.", frame.GetProperty("message").GetString());
        Assert.Empty(SentToStream());
        await _messages.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
        await _audit.Received(1).WriteAsync(
            Arg.Is<ModerationAuditEntry>(e => e.Blocked && e.Reason == BlockReason.Spam && e.Rule == "spam.phrase" && e.StreamId == "stream-1" && e.UserId == "alice"),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task MessageAsync_AuditIncludesTextOn_AuditEntryCarriesText()
    {
        _options.Moderation.AuditIncludesText = true;
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        await _audit.Received(1).WriteAsync(Arg.Is<ModerationAuditEntry>(e => e.Text == "hello"), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task MessageAsync_FirstModeratorBlocks_LaterModeratorsAreNotAsked()
    {
        var first = Substitute.For<IMessageModerator>();
        first.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>()).Returns(ModerationResult.Block(BlockReason.Profanity, "profanity.word", "No."));
        var second = Substitute.For<IMessageModerator>();
        var sut = CreateSut(first, second);

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"x"}""")).DefaultTimeout();

        await second.DidNotReceiveWithAnyArgs().ModerateAsync(default!, default);
    }

    [Theory]
    [InlineData(ModerationFailureMode.FailOpen, true)]
    [InlineData(ModerationFailureMode.FailClosed, false)]
    public async Task MessageAsync_ModeratorThrows_FollowsFailureMode(ModerationFailureMode mode, bool delivered)
    {
        _options.Moderation.FailureMode = mode;
        var broken = Substitute.For<IMessageModerator>();
        broken.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>()).ThrowsAsync(new HttpRequestException("down"));
        var sut = CreateSut(broken);

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        Assert.Equal(delivered, SentToStream().Count == 1);
        Assert.Equal(!delivered, SentToConnection(Alice.ConnectionId).Any(f => f.GetProperty("type").GetString() == "message_blocked"));
    }

    [Fact]
    public async Task MessageAsync_ModeratorThrowsWhileFailingClosed_BlocksAsModerationUnavailableNeverToxicity()
    {
        _options.Moderation.FailureMode = ModerationFailureMode.FailClosed;
        var broken = Substitute.For<IMessageModerator>();
        broken.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>()).ThrowsAsync(new HttpRequestException("down"));
        var sut = CreateSut(broken);

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        var blocked = Assert.Single(SentToConnection(Alice.ConnectionId), f => f.GetProperty("type").GetString() == "message_blocked");
        Assert.Equal("moderation_unavailable", blocked.GetProperty("reason").GetString());
        await _audit.Received(1).WriteAsync(Arg.Is<ModerationAuditEntry>(e => e.Reason == BlockReason.ModerationUnavailable && e.Rule == "moderation.unavailable"), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("not json", "invalid_json")]
    [InlineData("[1,2]", "invalid_json")]
    [InlineData("\"message\"", "invalid_json")]
    [InlineData("{\"action\":\"message\"", "invalid_json")]
    [InlineData("{\"action\":\"ping\"} {}", "invalid_json")]
    [InlineData("", "invalid_json")]
    [InlineData("{}", "missing_field")]
    [InlineData("{\"action\":42}", "missing_field")]
    [InlineData("{\"action\":\"dance\"}", "unknown_action")]
    [InlineData("{\"action\":\"message\"}", "missing_field")]
    [InlineData("{\"action\":\"message\",\"message\":5}", "missing_field")]
    [InlineData("{\"action\":\"message\",\"message\":\"   \"}", "empty_message")]
    [InlineData("{\"action\":\"history\",\"limit\":\"ten\"}", "missing_field")]
    public async Task MessageAsync_BadFrame_AnswersSenderWithErrorCodeOnly(string json, string code)
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame(json)).DefaultTimeout();

        var error = SingleError();
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Empty(SentToStream());
        await _messages.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
    }

    [Fact]
    public async Task MessageAsync_InvalidUtf8_AnswersInvalidJson()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' }).DefaultTimeout();

        Assert.Equal("invalid_json", SingleError().GetProperty("code").GetString());
    }

    [Fact]
    public async Task MessageAsync_TextOverLimit_AnswersMessageTooLong_AndEmojiCountAsOneCharacter()
    {
        _options.MaxMessageLength = 10;
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉"}""")).DefaultTimeout();
        Assert.Single(SentToStream());

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"12345678901"}""")).DefaultTimeout();
        Assert.Equal("message_too_long", SingleError().GetProperty("code").GetString());
    }

    [Fact]
    public async Task MessageAsync_FrameOverLimit_AnswersFrameTooLarge()
    {
        var sut = CreateSut();
        var big = new byte[_options.MaxFrameBytes + 1];

        await sut.MessageAsync(Alice.ConnectionId, big).DefaultTimeout();

        Assert.Equal("frame_too_large", SingleError().GetProperty("code").GetString());
    }

    [Fact]
    public async Task MessageAsync_StoreFails_AnswersInternalErrorWithoutDetails()
    {
        _messages.AddAsync(Arg.Any<ChatMessage>(), Arg.Any<CancellationToken>()).ThrowsAsync(new InvalidOperationException("secret connection string"));
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        var error = SingleError();
        Assert.Equal("internal_error", error.GetProperty("code").GetString());
        Assert.DoesNotContain("secret", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(SentToStream());
    }

    [Fact]
    public async Task MessageAsync_ChatException_ItsMessageReachesTheClient()
    {
        _messages.AddAsync(Arg.Any<ChatMessage>(), Arg.Any<CancellationToken>()).ThrowsAsync(new ChatException("History is read-only right now."));
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        Assert.Equal("History is read-only right now.", SingleError().GetProperty("message").GetString());
    }

    [Fact]
    public async Task MessageAsync_UnknownConnection_AnswersInternalError()
    {
        var sut = CreateSut();

        await sut.MessageAsync("c-ghost", Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        var frame = Assert.Single(SentToConnection("c-ghost"));
        Assert.Equal("internal_error", frame.GetProperty("code").GetString());
        Assert.Empty(SentToStream());
    }

    [Fact]
    public async Task MessageAsync_BroadcastFindsConnectionsGone_RemovesThemOnceAndAnnouncesLeave()
    {
        var gone = new ChatConnection("c-gone", "stream-1", "carol", "Carol", DateTimeOffset.UnixEpoch);
        _connections.RemoveAsync("c-gone", Arg.Any<CancellationToken>()).Returns(gone, (ChatConnection?)null);
        _broadcaster.SendToStreamAsync("stream-1", Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<CancellationToken>())
            .Returns(new BroadcastResult(1, ["c-gone"]), new BroadcastResult(1, ["c-gone"]), new BroadcastResult(1));
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        await _connections.Received(2).RemoveAsync("c-gone", Arg.Any<CancellationToken>());
        var left = Assert.Single(SentToStream(), s => s.Frame.GetProperty("type").GetString() == "user_left");
        Assert.Equal("carol", left.Frame.GetProperty("userId").GetString());
        Assert.Equal("c-gone", left.Except);
    }

    [Fact]
    public async Task MessageAsync_History_ClampsLimitAndReturnsStoreOrder()
    {
        _options.MaxHistoryLimit = 20;
        var first = new ChatMessage("01A", "stream-1", "bob", "Bob", "one", _time.GetUtcNow());
        var second = new ChatMessage("01B", "stream-1", "alice", "Alice", "two", _time.GetUtcNow().AddSeconds(1));
        _messages.GetRecentAsync("stream-1", 20, Arg.Any<CancellationToken>()).Returns([first, second]);
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"history","limit":5000}""")).DefaultTimeout();

        var frame = Assert.Single(SentToConnection(Alice.ConnectionId));
        Assert.Equal("history", frame.GetProperty("type").GetString());
        Assert.Equal("stream-1", frame.GetProperty("streamId").GetString());
        var messages = frame.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["one", "two"], messages.Select(m => m.GetProperty("message").GetString()));
        Assert.All(messages, m => Assert.Equal("message", m.GetProperty("type").GetString()));
        Assert.Equal("2026-11-25T18:00:01.123Z", messages[1].GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task MessageAsync_HistoryWithoutLimit_UsesDefault()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"history"}""")).DefaultTimeout();

        await _messages.Received(1).GetRecentAsync("stream-1", _options.DefaultHistoryLimit, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task MessageAsync_ManyMessagesInOneMillisecond_IdsStrictlyIncrease()
    {
        _options.RateLimits.Enabled = false;
        var sut = CreateSut();

        for (var i = 0; i < 50; i++)
        {
            await sut.MessageAsync(Alice.ConnectionId, Frame($$"""{"action":"message","message":"m{{i}}"}""")).DefaultTimeout();
        }

        var ids = SentToStream().Select(s => s.Frame.GetProperty("messageId").GetString()!).ToList();
        Assert.Equal(50, ids.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(50, ids.Distinct().Count());
    }

    [Fact]
    public async Task DisconnectAsync_KnownConnection_RemovesAndAnnouncesLeaveToOthers()
    {
        _connections.RemoveAsync(Alice.ConnectionId, Arg.Any<CancellationToken>()).Returns(Alice);
        var sut = CreateSut();

        await sut.DisconnectAsync(Alice.ConnectionId).DefaultTimeout();

        var (streamId, except, frame) = Assert.Single(SentToStream());
        Assert.Equal("stream-1", streamId);
        Assert.Equal(Alice.ConnectionId, except);
        Assert.Equal("user_left", frame.GetProperty("type").GetString());
        Assert.Equal("Alice", frame.GetProperty("username").GetString());
    }

    [Fact]
    public async Task DisconnectAsync_UnknownConnection_IsANoOp()
    {
        var sut = CreateSut();

        await sut.DisconnectAsync("c-unknown").DefaultTimeout();

        Assert.Empty(SentToStream());
    }

    [Fact]
    public async Task ConnectAsync_BroadcasterThrows_ConnectionIsStillAccepted()
    {
        _broadcaster.SendToStreamAsync(Arg.Any<string>(), Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<string?>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new IOException("network"));
        var sut = CreateSut();

        var result = await sut.ConnectAsync(new ConnectRequest("c-bob", "stream-1", "bob", "Bob")).DefaultTimeout();

        Assert.True(result.IsAccepted);
    }

    [Fact]
    public async Task Frames_StartWithTypeThenTimestamp_InCamelCase()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hi"}""")).DefaultTimeout();

        var names = Assert.Single(SentToStream()).Frame.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["type", "timestamp", "messageId", "streamId", "userId", "username", "message"], names);
    }

    [Fact]
    public async Task MessageAsync_Redacted_DeliversMaskedTextStoresItTellsTheSenderAndLaterModeratorsSeeIt()
    {
        var redactor = Substitute.For<IMessageModerator>();
        redactor.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>())
            .Returns(ModerationResult.Redact("call [phone]", BlockReason.Pii, "pii.phone", "Masked."));
        var later = Substitute.For<IMessageModerator>();
        later.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>()).Returns(ModerationResult.Allowed);
        var sut = CreateSut(redactor, later);

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"call 415-555-2671"}""")).DefaultTimeout();

        await later.Received(1).ModerateAsync(Arg.Is<ModerationContext>(c => c.Text == "call [phone]"), Arg.Any<CancellationToken>());
        await _messages.Received(1).AddAsync(Arg.Is<ChatMessage>(m => m.Text == "call [phone]"), Arg.Any<CancellationToken>());
        var message = Assert.Single(SentToStream()).Frame;
        Assert.Equal("call [phone]", message.GetProperty("message").GetString());
        var notice = Assert.Single(SentToConnection(Alice.ConnectionId));
        Assert.Equal("message_redacted", notice.GetProperty("type").GetString());
        Assert.Equal("pii", notice.GetProperty("reason").GetString());
        Assert.Equal(message.GetProperty("messageId").GetString(), notice.GetProperty("messageId").GetString());
        await _audit.Received(1).WriteAsync(
            Arg.Is<ModerationAuditEntry>(e => e.Action == ModerationAction.Redacted && e.Rule == "pii.phone" && e.Reason == BlockReason.Pii),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task MessageAsync_RedactedThenBlocked_IsBlocked()
    {
        var redactor = Substitute.For<IMessageModerator>();
        redactor.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>())
            .Returns(ModerationResult.Redact("x [email]", BlockReason.Pii, "pii.email", "Masked."));
        var blocker = Substitute.For<IMessageModerator>();
        blocker.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>())
            .Returns(ModerationResult.Block(BlockReason.Toxicity, "toxicity", "No."));
        var sut = CreateSut(redactor, blocker);

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"x a@b.co"}""")).DefaultTimeout();

        Assert.Empty(SentToStream());
        Assert.Equal("message_blocked", Assert.Single(SentToConnection(Alice.ConnectionId)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Policies_RunAuthorizeBeforeLimit_AndInRegistrationOrderWithinASlot_ForConnectAndMessage()
    {
        var calls = new List<string>();
        var sut = CreateSut([], [new RecordingPolicy("limit-1", ChatPolicySlot.Limit, calls), new RecordingPolicy("authorize-1", ChatPolicySlot.Authorize, calls), new RecordingPolicy("authorize-2", ChatPolicySlot.Authorize, calls)]);

        await sut.ConnectAsync(new ConnectRequest("c-bob", "stream-1", "bob", "Bob")).DefaultTimeout();
        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        Assert.Equal(["connect authorize-1", "connect authorize-2", "connect limit-1", "message authorize-1", "message authorize-2", "message limit-1"], calls);
    }

    [Fact]
    public async Task MessagePolicy_Blocking_TellsTheSenderItsReason_AndNothingIsModeratedStoredOrBroadcast()
    {
        var sut = CreateSut([], [new BlockingPolicy()]);

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        var blocked = Assert.Single(SentToConnection(Alice.ConnectionId));
        Assert.Equal("message_blocked", blocked.GetProperty("type").GetString());
        Assert.Equal("muted", blocked.GetProperty("reason").GetString());
        Assert.Equal("You are muted.", blocked.GetProperty("message").GetString());
        await _moderator.DidNotReceiveWithAnyArgs().ModerateAsync(default!, default);
        await _messages.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
        Assert.Empty(SentToStream());
    }

    [Fact]
    public async Task ConnectPolicy_Refusing_AnswersItsStatus_AndNothingIsStoredOrAnnounced()
    {
        var sut = CreateSut([], [new BlockingPolicy()]);

        var result = await sut.ConnectAsync(new ConnectRequest("c-bob", "stream-1", "bob", "Bob")).DefaultTimeout();

        Assert.Equal(403, result.StatusCode);
        await _connections.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
        Assert.Empty(SentToStream());
    }

    [Fact]
    public async Task MessagePolicy_ThrowingChatException_AnswersItsErrorCode()
    {
        var policy = Substitute.For<IChatPolicy>();
        policy.Slot.Returns(ChatPolicySlot.Authorize);
        policy.OnMessageAsync(Arg.Any<ChatMessageContext>(), Arg.Any<ChatPolicyStep<ChatMessageContext, MessageOutcome>>())
            .Returns<ValueTask<MessageOutcome>>(_ => throw new ChatException(ChatErrorCode.MissingField, "Not like that."));
        var sut = CreateSut([], [policy]);

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        Assert.Equal("missing_field", SingleError().GetProperty("code").GetString());
        Assert.Empty(SentToStream());
    }

    [Fact]
    public async Task ConnectAsync_StreamAtItsConnectionLimit_IsRefusedWith429ByTheLimitPolicy()
    {
        _options.MaxConnectionsPerStream = 3;
        var sut = CreateSut();

        var result = await sut.ConnectAsync(new ConnectRequest("c-bob", "stream-1", "bob", "Bob")).DefaultTimeout();

        Assert.Equal(429, result.StatusCode);
        await _connections.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
    }

    [Fact]
    public async Task MessageAsync_UnknownAction_ListsTheRegisteredActions()
    {
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"dance"}""")).DefaultTimeout();

        Assert.Equal("Unknown action. Known actions: message, hello, ping, history, react, unreact, whisper.", SingleError().GetProperty("message").GetString());
    }

    private sealed class RecordingPolicy(string name, ChatPolicySlot slot, List<string> calls) : IChatPolicy
    {
        public ChatPolicySlot Slot => slot;

        public ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
        {
            calls.Add("connect " + name);
            return continuation(context);
        }

        public ValueTask<MessageOutcome> OnMessageAsync(ChatMessageContext context, ChatPolicyStep<ChatMessageContext, MessageOutcome> continuation)
        {
            calls.Add("message " + name);
            return continuation(context);
        }
    }

    private sealed class BlockingPolicy : IChatPolicy
    {
        public ChatPolicySlot Slot => ChatPolicySlot.Authorize;

        public ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation) =>
            ValueTask.FromResult(ConnectResult.Refuse(403, "Banned here."));

        public ValueTask<MessageOutcome> OnMessageAsync(ChatMessageContext context, ChatPolicyStep<ChatMessageContext, MessageOutcome> continuation) =>
            ValueTask.FromResult(MessageOutcome.Block(BlockReason.Muted, "You are muted."));
    }

    private static readonly ChatConnection BobPhone = new("c-bob", "stream-1", "bob", "Bob", DateTimeOffset.UnixEpoch);

    private void BobIsConnected(ChatStanding bobsStanding)
    {
        _connections.GetByUserAsync("stream-1", "bob", Arg.Any<CancellationToken>()).Returns([BobPhone]);
        _broadcaster.SendToUserAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<CancellationToken>()).Returns(new BroadcastResult(1));
        _sanctions = Substitute.For<ISanctionStore>();
        _sanctions.GetStandingAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(ChatStanding.None);
        _sanctions.GetStandingAsync("stream-1", "bob", Arg.Any<CancellationToken>()).Returns(bobsStanding);
    }

    [Fact]
    public async Task Whisper_ToABannedRecipientStillConnected_IsRefused_AndNothingIsDelivered()
    {
        // A ban closes the user's sockets, but on API Gateway a close can lag the ban; the store's word decides.
        BobIsConnected(new ChatStanding { IsBanned = true });
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"whisper","toUserId":"bob","message":"psst"}""")).DefaultTimeout();

        Assert.Equal("recipient_unavailable", SingleError().GetProperty("code").GetString());
        await _broadcaster.DidNotReceiveWithAnyArgs().SendToUserAsync(default!, default!, default, default);
    }

    [Fact]
    public async Task Whisper_IsAuditedAsMetadataOnly_EvenWithAuditTextOn_AndNeverStored()
    {
        _options.Moderation.AuditIncludesText = true;
        BobIsConnected(ChatStanding.None);
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"whisper","toUserId":"bob","message":"my secret plan"}""")).DefaultTimeout();

        await _broadcaster.Received(1).SendToUserAsync("stream-1", "bob", Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<CancellationToken>());
        await _broadcaster.Received(1).SendToUserAsync("stream-1", "alice", Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<CancellationToken>());
        await _audit.Received(1).WriteAsync(
            Arg.Is<ModerationAuditEntry>(e => !e.Blocked && e.UserId == "alice" && e.TargetUserId == "bob" && e.Rule == "whisper" && e.Text == null),
            Arg.Any<CancellationToken>());
        await _messages.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
    }

    [Fact]
    public async Task Whisper_SustainedLimit_RefusesPastItsPermits_WithRetryAfter()
    {
        _options.RateLimits.WhisperBurst.PermitLimit = 100;
        _options.RateLimits.WhisperSustained.PermitLimit = 2;
        BobIsConnected(ChatStanding.None);
        var sut = CreateSut();

        for (var i = 0; i < 3; i++)
        {
            await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"whisper","toUserId":"bob","message":"hi"}""")).DefaultTimeout();
        }

        await _broadcaster.Received(2).SendToUserAsync("stream-1", "bob", Arg.Any<ReadOnlyMemory<byte>>(), Arg.Any<CancellationToken>());
        var error = SingleError();
        Assert.Equal("rate_limited", error.GetProperty("code").GetString());
        Assert.InRange(error.GetProperty("retryAfter").GetInt32(), 1, 60);
    }

    [Fact]
    public async Task NumberedFrame_WaitsForItsTurn_ThenLetsTheNextGo_EvenWhenItIsRefused()
    {
        _sequencer = Substitute.For<IFrameSequencer>();
        _sequencer.WaitForTurnAsync(Arg.Any<string>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(true);
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello","seq":1}""")).DefaultTimeout();
        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"nope","seq":2}""")).DefaultTimeout();

        Received.InOrder(() =>
        {
            _sequencer.WaitForTurnAsync(Alice.ConnectionId, 1, Arg.Any<CancellationToken>());
            _messages.AddAsync(Arg.Any<ChatMessage>(), Arg.Any<CancellationToken>());
            _sequencer.CompleteAsync(Alice.ConnectionId, 1, Arg.Any<CancellationToken>());
            _sequencer.WaitForTurnAsync(Alice.ConnectionId, 2, Arg.Any<CancellationToken>());
            _sequencer.CompleteAsync(Alice.ConnectionId, 2, Arg.Any<CancellationToken>());
        });
        Assert.Equal("unknown_action", SingleError().GetProperty("code").GetString());
    }

    [Fact]
    public async Task NumberedFrame_WhoseWaitRanOut_IsStillHandled()
    {
        _sequencer = Substitute.For<IFrameSequencer>();
        _sequencer.WaitForTurnAsync(Arg.Any<string>(), Arg.Any<long>(), Arg.Any<CancellationToken>()).Returns(false);
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello","seq":7}""")).DefaultTimeout();

        await _messages.Received(1).AddAsync(Arg.Is<ChatMessage>(m => m.Text == "hello"), Arg.Any<CancellationToken>());
        await _sequencer.Received(1).CompleteAsync(Alice.ConnectionId, 7, Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("""{"action":"message","message":"hello","seq":0}""")]
    [InlineData("""{"action":"message","message":"hello","seq":-3}""")]
    [InlineData("""{"action":"message","message":"hello","seq":"1"}""")]
    [InlineData("""{"action":"message","message":"hello","seq":1.5}""")]
    public async Task Seq_NotAPositiveInteger_IsAnError_AndNothingIsSequencedOrSent(string frame)
    {
        _sequencer = Substitute.For<IFrameSequencer>();
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame(frame)).DefaultTimeout();

        var error = SingleError();
        Assert.Equal("missing_field", error.GetProperty("code").GetString());
        Assert.Contains("seq", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_sequencer.ReceivedCalls());
        await _messages.DidNotReceiveWithAnyArgs().AddAsync(default!, default);
    }

    [Fact]
    public async Task UnnumberedFrame_NeverTouchesTheSequencer()
    {
        _sequencer = Substitute.For<IFrameSequencer>();
        var sut = CreateSut();

        await sut.MessageAsync(Alice.ConnectionId, Frame("""{"action":"message","message":"hello"}""")).DefaultTimeout();

        Assert.Empty(_sequencer.ReceivedCalls());
        await _messages.Received(1).AddAsync(Arg.Any<ChatMessage>(), Arg.Any<CancellationToken>());
    }
}
