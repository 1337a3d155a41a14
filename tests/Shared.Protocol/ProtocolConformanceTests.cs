using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StreamChat.Core;
using StreamChat.Core.Connections;
using StreamChat.Core.Moderation;

namespace StreamChat.Testing;

/// <summary>
/// The PROTOCOL.md rules that every host keeps, written once and run against each host: the ASP.NET Core host
/// (real Kestrel, real WebSockets) and the AWS host (the Lambda handler fed API Gateway events, its posts caught by a
/// Management API stand-in, the stores on dynalite). Host-specific behaviour (welcome at open, WebSocket fragments,
/// 1001 at shutdown) is tested beside each host.
/// </summary>
public abstract class ProtocolConformanceTests : IAsyncLifetime
{
    private IChatTestHost? _host;

    private IChatTestHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    private protected abstract Task<IChatTestHost> StartHostAsync(Action<StreamChatOptions>? configure = null);

    // Rate limits are lifted here (one test sends 100 messages); ModeratorToolsConformanceTests tests them.
    public async Task InitializeAsync() => _host = await StartHostAsync(o =>
    {
        o.WelcomeMessage = "Hello from the test host";
        o.RateLimits.Enabled = false;
    });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private Task<int> CountAsync(string streamId) => Host.Services.GetRequiredService<IConnectionStore>().CountAsync(streamId);

    [Fact]
    public async Task Hello_IsAnsweredWithWelcome()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");

        await alice.SendAsync("""{"action":"hello"}""");

        var welcome = await alice.ReceiveAsync();
        Assert.Equal("welcome", ProtocolAssert.Type(welcome));
        Assert.Equal("s1", welcome.GetProperty("streamId").GetString());
        Assert.Equal("alice", welcome.GetProperty("userId").GetString());
        Assert.Equal("Alice", welcome.GetProperty("username").GetString());
        Assert.Equal("Hello from the test host", welcome.GetProperty("message").GetString());
        Assert.Equal(1, welcome.GetProperty("viewerCount").GetInt32());
        ProtocolAssert.Timestamp(welcome);
    }

    [Fact]
    public async Task Join_OthersInTheStreamSeeUserJoined_OtherStreamsDoNot()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        await using var outsider = await Host.ConnectAsync("s2", "carol");

        await using var bob = await Host.ConnectAsync("s1", "bob", "Bob");

        var joined = await alice.ReceiveAsync();
        Assert.Equal("user_joined", ProtocolAssert.Type(joined));
        Assert.Equal("s1", joined.GetProperty("streamId").GetString());
        Assert.Equal("bob", joined.GetProperty("userId").GetString());
        Assert.Equal("Bob", joined.GetProperty("username").GetString());
        ProtocolAssert.Timestamp(joined);
        Assert.Empty(await bob.DrainAsync());
        Assert.Empty(await outsider.DrainAsync());

        await bob.SendAsync("""{"action":"hello"}""");
        Assert.Equal(2, (await bob.ReceiveAsync("welcome")).GetProperty("viewerCount").GetInt32());
    }

    [Fact]
    public async Task Message_GoesToEveryoneInTheStreamIncludingSender_AndNowhereElse()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        await using var bob = await Host.ConnectAsync("s1", "bob", "Bob");
        await using var outsider = await Host.ConnectAsync("s2", "carol");
        await alice.ReceiveAsync("user_joined");

        await alice.SendAsync("""{"action":"message","message":"Hello everyone!"}""");

        var toAlice = await alice.ReceiveAsync("message");
        var toBob = await bob.ReceiveAsync("message");
        Assert.Equal(toAlice.GetRawText(), toBob.GetRawText());
        Assert.Equal("Hello everyone!", toBob.GetProperty("message").GetString());
        Assert.Equal("alice", toBob.GetProperty("userId").GetString());
        Assert.Equal("Alice", toBob.GetProperty("username").GetString());
        Assert.Equal("s1", toBob.GetProperty("streamId").GetString());
        Assert.Equal(26, toBob.GetProperty("messageId").GetString()!.Length);
        ProtocolAssert.Timestamp(toBob);
        Assert.Empty(await outsider.DrainAsync());
    }

    [Fact]
    public async Task Message_BodyClaimsAnotherIdentityOrStream_ConnectionIdentityWins()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        await using var bob = await Host.ConnectAsync("s1", "bob", "Bob");
        await using var other = await Host.ConnectAsync("s2", "carol");
        await alice.ReceiveAsync("user_joined");

        await alice.SendAsync("""{"action":"message","message":"I am the admin","userId":"admin","username":"Admin","streamId":"s2"}""");

        var seen = await bob.ReceiveAsync("message");
        Assert.Equal("alice", seen.GetProperty("userId").GetString());
        Assert.Equal("Alice", seen.GetProperty("username").GetString());
        Assert.Equal("s1", seen.GetProperty("streamId").GetString());
        Assert.Empty(await other.DrainAsync());
    }

    [Theory]
    [InlineData("this is not json", "invalid_json")]
    [InlineData("""{"action":"dance"}""", "unknown_action")]
    [InlineData("""{"message":"no action"}""", "missing_field")]
    [InlineData("""{"action":"message"}""", "missing_field")]
    [InlineData("""{"action":"message","message":"   "}""", "empty_message")]
    public async Task BadFrame_GetsErrorOnly_ConnectionStaysUsable_StreamSeesNothing(string frame, string code)
    {
        await using var alice = await Host.ConnectAsync("s1", "alice");
        await using var bob = await Host.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendAsync(frame);

        var error = await alice.ReceiveAsync();
        Assert.Equal("error", ProtocolAssert.Type(error));
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        ProtocolAssert.Timestamp(error);
        await ProtocolAssert.StillUsableAndNothingLeakedAsync(alice, bob);
    }

    // Issue 19: text no person can read safely is cleaned before anyone sees it (docs/protocol.md, "Text hygiene").
    [Theory]
    [InlineData("a\u0000b\u0007c", "abc")]
    [InlineData("red \u001B[31mALERT", "red [31mALERT")]
    [InlineData("line one\r\nline two", "line one line two")]
    [InlineData("abc\u202Egnp.exe", "abcgnp.exe")]
    [InlineData("x\u2066y\u2069z\u202Aw\u202C", "xyzw")]
    [InlineData("cafe\u0301", "caf\u00E9")]
    [InlineData("\u0085tab\there\u009B", "tab here")]
    public async Task Message_ControlAndBidiCharacters_AreStripped_AndTextIsNfc_ForEveryoneAndInHistory(string sent, string seen)
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        await using var bob = await Host.ConnectAsync("s1", "bob", "Bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendAsync(JsonSerializer.Serialize(new { action = "message", message = sent }));

        Assert.Equal(seen, (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(seen, (await alice.ReceiveAsync("message")).GetProperty("message").GetString());
        await bob.SendAsync("""{"action":"history"}""");
        var history = (await bob.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(seen, Assert.Single(history).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Message_OfControlCharactersOnly_IsEmpty()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        await using var bob = await Host.ConnectAsync("s1", "bob", "Bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendAsync(JsonSerializer.Serialize(new { action = "message", message = "\u0000\u001B\u202E\r\n" }));

        var error = await alice.ReceiveAsync("error");
        Assert.Equal("empty_message", error.GetProperty("code").GetString());
        await ProtocolAssert.StillUsableAndNothingLeakedAsync(alice, bob);
    }

    // Issue 19: the protocol is text; a binary frame is refused with its own code, whatever it holds, and the socket stays.
    [Theory]
    [InlineData("""{"action":"message","message":"sent as binary"}""")]
    [InlineData("not json")]
    [InlineData("{\u00C3(}")]
    public async Task BinaryFrame_IsRefusedWithBinaryFrame_ConnectionStaysUsable_StreamSeesNothing(string content)
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        await using var bob = await Host.ConnectAsync("s1", "bob", "Bob");
        await alice.ReceiveAsync("user_joined");
        var bytes = content == "{\u00C3(}" ? new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' } : Encoding.UTF8.GetBytes(content);

        await alice.SendBinaryAsync(bytes);

        var error = await alice.ReceiveAsync();
        Assert.Equal("error", ProtocolAssert.Type(error));
        Assert.Equal("binary_frame", error.GetProperty("code").GetString());
        ProtocolAssert.Timestamp(error);
        await ProtocolAssert.StillUsableAndNothingLeakedAsync(alice, bob);
    }

    // Issue 19: invalid UTF-8 in a text frame: where the chat sees it, it is not JSON; on a WebSocket the endpoint itself
    // fails the connection with 1007, as RFC 6455 requires (the binary-frame case above is the same on every host).
    [Fact]
    public async Task TextFrame_NotUtf8_GetsInvalidJson_ConnectionStaysUsable_StreamSeesNothing()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        await using var bob = await Host.ConnectAsync("s1", "bob", "Bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendRawAsync(new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' });

        if (Host.FailsConnectionOnInvalidUtf8Text)
        {
            Assert.True(await alice.ClosedByServerAsync() is null or 1007);
            await bob.ReceiveAsync("user_left");
            Assert.Empty(await bob.DrainAsync());
            return;
        }

        Assert.Equal("invalid_json", (await alice.ReceiveAsync("error")).GetProperty("code").GetString());
        await ProtocolAssert.StillUsableAndNothingLeakedAsync(alice, bob);
    }

    // Issue 19: a display name must show a letter or digit, and may not impersonate someone already in the stream.
    [Theory]
    [InlineData("\u3164\u3164\u3164")]
    [InlineData("\u115F\u1160")]
    [InlineData("\u2800\u2800\u2800")]
    [InlineData("\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301")]
    [InlineData("Z\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308")]
    [InlineData("-_- ...")]
    public async Task Handshake_NameWithNoVisibleLetter_IsRefusedWith400(string username)
    {
        await using var watcher = await Host.ConnectAsync("s1", "watcher");

        Assert.Equal(400, await Host.ConnectExpectingRefusalAsync("s1", "mallory", username));

        Assert.Empty(await watcher.DrainAsync());
        Assert.Equal(1, await CountAsync("s1"));
    }

    [Theory]
    [InlineData("\u0410lice")]
    [InlineData("ALICE")]
    [InlineData("A1ice")]
    [InlineData("Alice")]
    public async Task Handshake_NameConfusableWithSomeoneInTheStream_IsRefusedWith409(string username)
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");

        Assert.Equal(409, await Host.ConnectExpectingRefusalAsync("s1", "mallory", username));

        Assert.Empty(await alice.DrainAsync());
        Assert.Equal(1, await CountAsync("s1"));
        await using var elsewhere = await Host.ConnectAsync("s2", "mallory", username);
        await using var again = await Host.ConnectAsync("s1", "alice", "ALICE");
    }

    [Fact]
    public async Task MessageTooLong_GetsError_AndTheLimitItselfIsAccepted()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice");
        await using var bob = await Host.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        // 500 characters of text that is not one unit repeated (that would be spam): "w000-xyzab", "w001-xyzab", ...
        var limit = string.Concat(Enumerable.Range(0, 50).Select(i => "w" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) + "-xyzab"));
        await alice.SendMessageAsync(limit + "k");
        Assert.Equal("message_too_long", (await alice.ReceiveAsync("error")).GetProperty("code").GetString());
        await ProtocolAssert.StillUsableAndNothingLeakedAsync(alice, bob);

        await alice.SendMessageAsync("  " + limit + "  ");
        Assert.Equal(500, (await bob.ReceiveAsync("message")).GetProperty("message").GetString()!.Length);
    }

    [Fact]
    public async Task FrameTooLarge_GetsError_AndConnectionStaysUsable()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice");
        await using var bob = await Host.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendAsync(JsonSerializer.Serialize(new { action = "message", message = new string('z', 40_000) }));

        if (Host.OversizedFrameCloseCode is { } closed)
        {
            // API Gateway closes the connection before the chat sees the frame; the others keep chatting.
            Assert.Equal(closed, await alice.ClosedByServerAsync());
            await bob.SendMessageAsync("still here");
            Assert.Equal("still here", (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
            Assert.DoesNotContain(await bob.DrainAsync(), f => f.GetProperty("type").GetString() == "message");
            return;
        }

        Assert.Equal("frame_too_large", (await alice.ReceiveAsync("error")).GetProperty("code").GetString());
        await ProtocolAssert.StillUsableAndNothingLeakedAsync(alice, bob);
    }

    [Fact]
    public async Task FrameAtTheLimit_IsHandled()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice");
        var frame = "{\"action\":\"ping\"" + new string(' ', (32 * 1024) - 17) + "}";
        Assert.Equal(32 * 1024, Encoding.UTF8.GetByteCount(frame));

        await alice.SendAsync(frame);

        Assert.Equal("pong", ProtocolAssert.Type(await alice.ReceiveAsync()));
    }

    [Theory]
    [InlineData("Buy followers now at cheap prices", "spam")]
    [InlineData("email me: someone@example.com", "pii")]
    [InlineData("card 4111 1111 1111 1111", "pii")]
    [InlineData("you are a bastard", "profanity")]
    [InlineData("sod off mate", "profanity")]
    [InlineData("f%ck this lag", "profanity")]
    [InlineData("nobody likes you, just leave", "toxicity")]
    [InlineData("deliver it to 15 Ocean View Drive please", "pii")]
    public async Task Blocked_SenderAloneIsTold_NobodyElseSeesIt_AndItIsNotInHistory(string text, string reason)
    {
        await using var alice = await Host.ConnectAsync("s1", "alice");
        await using var bob = await Host.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendMessageAsync(text);

        var blocked = await alice.ReceiveAsync();
        Assert.Equal("message_blocked", ProtocolAssert.Type(blocked));
        Assert.Equal(reason, blocked.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrWhiteSpace(blocked.GetProperty("message").GetString()));
        ProtocolAssert.Timestamp(blocked);
        Assert.Empty(await bob.DrainAsync());

        await bob.SendAsync("""{"action":"history"}""");
        Assert.Empty((await bob.ReceiveAsync("history")).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Redaction_Configured_StreamGetsMaskedText_SenderIsTold_HistoryHasMaskedText()
    {
        await using var host = await StartHostAsync(o => o.Moderation.Pii.Emails = PiiAction.Redact);
        await using var alice = await host.ConnectAsync("s1", "alice");
        await using var bob = await host.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        await alice.SendMessageAsync("write me at jane.doe@example.com");

        var seen = await bob.ReceiveAsync("message");
        Assert.Equal("write me at [email]", seen.GetProperty("message").GetString());
        Assert.Equal("write me at [email]", (await alice.ReceiveAsync("message")).GetProperty("message").GetString());
        var notice = await alice.ReceiveAsync("message_redacted");
        Assert.Equal("pii", notice.GetProperty("reason").GetString());
        Assert.Equal(seen.GetProperty("messageId").GetString(), notice.GetProperty("messageId").GetString());
        ProtocolAssert.Timestamp(notice);
        Assert.Empty(await bob.DrainAsync());

        await bob.SendAsync("""{"action":"history"}""");
        var history = (await bob.ReceiveAsync("history")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal("write me at [email]", Assert.Single(history).GetProperty("message").GetString());
    }

    [Fact]
    public async Task History_ReturnsDeliveredMessagesOldestFirst_LimitedToTheNewest()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        for (var i = 1; i <= 5; i++)
        {
            await alice.SendMessageAsync("message " + i);
            await alice.ReceiveAsync("message");
        }

        await using var late = await Host.ConnectAsync("s1", "late");
        await late.SendAsync("""{"action":"history","limit":3}""");

        var history = await late.ReceiveAsync("history");
        Assert.Equal("s1", history.GetProperty("streamId").GetString());
        ProtocolAssert.Timestamp(history);
        var messages = history.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["message 3", "message 4", "message 5"], messages.Select(m => m.GetProperty("message").GetString()));
        Assert.All(messages, m =>
        {
            Assert.Equal("message", ProtocolAssert.Type(m));
            Assert.Equal("alice", m.GetProperty("userId").GetString());
            Assert.Equal("Alice", m.GetProperty("username").GetString());
        });
        var ids = messages.Select(m => m.GetProperty("messageId").GetString()!).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task Ping_GetsPong()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice");

        await alice.SendAsync("""{"action":"ping"}""");

        var pong = await alice.ReceiveAsync();
        Assert.Equal("pong", ProtocolAssert.Type(pong));
        ProtocolAssert.Timestamp(pong);
    }

    [Fact]
    public async Task Close_OthersSeeUserLeft_AndTheConnectionIsRemoved()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice", "Alice");
        var bob = await Host.ConnectAsync("s1", "bob", "Bob");
        await alice.ReceiveAsync("user_joined");

        await bob.CloseAsync();

        var left = await alice.ReceiveAsync("user_left");
        Assert.Equal("bob", left.GetProperty("userId").GetString());
        Assert.Equal("Bob", left.GetProperty("username").GetString());
        Assert.Equal("s1", left.GetProperty("streamId").GetString());
        ProtocolAssert.Timestamp(left);
        Assert.Equal(1, await CountAsync("s1"));
        await bob.DisposeAsync();
    }

    [Theory]
    [InlineData(null, "alice", "Alice")]
    [InlineData("", "alice", "Alice")]
    [InlineData("bad stream", "alice", "Alice")]
    [InlineData("s1", null, "Alice")]
    [InlineData("s1", "al/ice", "Alice")]
    [InlineData("s1", "alice", null)]
    [InlineData("s1", "alice", "\u0007bell")]
    public async Task Handshake_InvalidIdentity_IsRefusedWith400_AndNothingIsStored(string? streamId, string? userId, string? username)
    {
        await using var watcher = await Host.ConnectAsync("s1", "watcher");

        var status = await Host.ConnectExpectingRefusalAsync(streamId, userId, username);

        Assert.Equal(400, status);
        Assert.Empty(await watcher.DrainAsync());
        Assert.Equal(1, await CountAsync("s1"));
    }

    [Fact]
    public async Task Handshake_TooLongIds_AreRefused()
    {
        Assert.Equal(400, await Host.ConnectExpectingRefusalAsync(new string('s', 129), "alice", "Alice"));
        Assert.Equal(400, await Host.ConnectExpectingRefusalAsync("s1", new string('u', 129), "Alice"));
        Assert.Equal(400, await Host.ConnectExpectingRefusalAsync("s1", "alice", new string('n', 65)));
        Assert.Equal(0, await CountAsync("s1"));
    }

    [Fact]
    public async Task Handshake_DevelopmentIdentityOff_IsRefusedWith401_AndNothingIsStored()
    {
        await using var host = await StartHostAsync(o => o.AllowDevelopmentIdentity = false);

        Assert.Equal(401, await host.ConnectExpectingRefusalAsync("s1", "alice", "Alice"));
        Assert.Equal(0, await host.Services.GetRequiredService<IConnectionStore>().CountAsync("s1"));
    }

    [Fact]
    public async Task Handshake_StreamFull_IsRefusedWith429_AndNothingIsStored()
    {
        await using var host = await StartHostAsync(o => o.MaxConnectionsPerStream = 2);
        await using var alice = await host.ConnectAsync("s1", "alice");
        await using var bob = await host.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");

        Assert.Equal(429, await host.ConnectExpectingRefusalAsync("s1", "carol", "Carol"));

        Assert.Equal(2, await host.Services.GetRequiredService<IConnectionStore>().CountAsync("s1"));
        Assert.Empty(await alice.DrainAsync());
        await using var elsewhere = await host.ConnectAsync("s2", "carol");
    }

    [Fact]
    public async Task OneSender_ManyMessages_ArriveInOrder()
    {
        await using var alice = await Host.ConnectAsync("s1", "alice");
        await using var bob = await Host.ConnectAsync("s1", "bob");
        await alice.ReceiveAsync("user_joined");
        const int count = 100;

        var sends = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await alice.SendMessageAsync("n" + i);
            }
        });

        for (var i = 0; i < count; i++)
        {
            Assert.Equal("n" + i, (await bob.ReceiveAsync("message")).GetProperty("message").GetString());
        }

        await sends.DefaultTimeout();
    }
}
