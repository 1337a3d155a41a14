using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using StreamChat.Aws.Comprehend;
using StreamChat.Aws.Comprehend.Internal;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Core;
using StreamChat.Core.Moderation;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Comprehend;

/// <summary>
/// Comprehend moderation on the AWS host, end to end: the Lambda handler, dynalite stores, and a Comprehend stand-in
/// that checks each request (target, content type, body shape and limits, SigV4 for comprehend in its region).
/// </summary>
public sealed class ComprehendModerationTests : IAsyncLifetime
{
    private ComprehendStandIn _comprehend = null!;

    public async Task InitializeAsync() => _comprehend = await ComprehendStandIn.StartAsync();

    public async Task DisposeAsync() => await _comprehend.DisposeAsync();

    private Task<ApiGatewayLambdaHost> StartAsync(Action<ComprehendModerationOptions>? configure = null, Action<StreamChatOptions>? chat = null) =>
        ApiGatewayLambdaHost.StartAsync(chat, b =>
        {
            b.Services.AddMetrics();
            b.Services.AddStreamChatCore().AddComprehendModeration(o =>
            {
                o.Endpoint = _comprehend.Endpoint;
                o.Region = _comprehend.Region;
                o.CredentialsFactory = static _ => SigV4Verifier.Credentials;

                // Most tests here are about what Comprehend's answers do, so every call is made for every message (the
                // original deployment's behaviour); the gating tests below use the defaults.
                if (configure != GatedDefaults)
                {
                    o.CallFor = ComprehendCallPolicy.EveryMessage;
                    o.Sentiment.Enabled = true;
                }

                configure?.Invoke(o);
            });
        });

    private static readonly Action<ComprehendModerationOptions> GatedDefaults = static _ => { };

    [Fact]
    public async Task ByDefault_TrustedUsersCleanChatMakesNoCall_NewHostileFlaggedAndUnsureGetTheToxicityCall_NumbersThePiiCall()
    {
        await using var host = await StartAsync(GatedDefaults, chat => chat.Moderation.Trust.MessagesToTrust = 2);
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        // New in the stream: the toxicity call only (no digits, no '@': nothing for the personal-data call).
        await ana.SendMessageAsync("hello everyone");
        await ben.ReceiveAsync("message");
        Assert.Equal(["DetectToxicContent"], _comprehend.Calls.Select(c => c.Operation).ToArray());
        await ana.SendMessageAsync("great stream");
        await ben.ReceiveAsync("message");
        Assert.Equal(2, _comprehend.Calls.Count);

        // Trusted now: clean chat costs nothing, and sentiment is off ("awful" would have been NEGATIVE above 0.8).
        await ana.SendMessageAsync("this stream is awful and so is everything");
        Assert.Equal("this stream is awful and so is everything", (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(2, _comprehend.Calls.Count);

        // Text the local hostility score is unsure about is checked even for a trusted user.
        await ana.SendMessageAsync("you're trash");
        await ben.ReceiveAsync("message");
        Assert.Equal(3, _comprehend.CallCount("DetectToxicContent"));

        // Five digits: the personal-data call.
        await ana.SendMessageAsync("my locker code is 55123");
        await ben.ReceiveAsync("message");
        Assert.Equal(1, _comprehend.CallCount("DetectPiiEntities"));

        // Profanity does not flag (the word list settles it); a message blocked as hostile does, and the next clean message is checked again.
        await ana.SendMessageAsync("you are a bastard");
        Assert.Equal("profanity", (await ana.ReceiveAsync("message_blocked")).GetProperty("reason").GetString());
        await ana.SendMessageAsync("fine then");
        await ben.ReceiveAsync("message");
        Assert.Equal(3, _comprehend.CallCount("DetectToxicContent"));
        await ana.SendMessageAsync("you are such a moron");
        Assert.Equal("toxicity", (await ana.ReceiveAsync("message_blocked")).GetProperty("reason").GetString());
        await ana.SendMessageAsync("sorry about that");
        await ben.ReceiveAsync("message");
        Assert.Equal(4, _comprehend.CallCount("DetectToxicContent"));
        Assert.Equal(0, _comprehend.CallCount("DetectSentiment"));
    }

    [Fact]
    public async Task UntrustedFrom_LeavesOutAnUntrustedSendersMessagesScoredBelowIt_AndAsksAboutTheRest()
    {
        // A scorer that reads sentences gives hostile text without a hostile word a low score above zero; this one is a table.
        var scores = new Dictionary<string, double>(StringComparer.Ordinal) { ["hello everyone"] = 0.02, ["you again, everyone knows what you did"] = 0.3 };
        await using var host = await ApiGatewayLambdaHost.StartAsync(chat => chat.Moderation.Trust.MessagesToTrust = 10, b =>
        {
            b.Services.AddStreamChatCore().AddComprehendModeration(o =>
            {
                o.Endpoint = _comprehend.Endpoint;
                o.Region = _comprehend.Region;
                o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
                o.UntrustedFrom = 0.1;
            });
            b.Services.AddSingleton<IHostilityScorer>(new TableScorer(scores));
        });
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        // New in the stream (not trusted for 10 messages): clearly clean text is not asked about, text scored 0.3 is.
        await ana.SendMessageAsync("hello everyone");
        await ben.ReceiveAsync("message");
        Assert.Equal(0, _comprehend.CallCount("DetectToxicContent"));
        await ana.SendMessageAsync("you again, everyone knows what you did");
        await ben.ReceiveAsync("message");
        Assert.Equal(1, _comprehend.CallCount("DetectToxicContent"));
    }

    private sealed class TableScorer(Dictionary<string, double> scores) : IHostilityScorer
    {
        public HostilityScore Score(string text) => scores.TryGetValue(text, out var score) ? new HostilityScore(score, "test.table") : HostilityScore.None;
    }

    private static async Task<(IChatTestConnection Sender, IChatTestConnection Other)> PairAsync(ApiGatewayLambdaHost host)
    {
        var sender = await host.ConnectAsync("s1", "ana");
        var other = await host.ConnectAsync("s1", "ben");
        await sender.ReceiveAsync("user_joined");
        return (sender, other);
    }

    [Theory]
    [InlineData("this stream is awful and so is everything", "negative_sentiment")]
    [InlineData("you absolute idiot", "toxicity")]
    [InlineData("come visit me at 12 Main Street tonight", "pii")]
    public async Task Blocked_ByComprehend_SenderIsTold_NobodyElseSeesIt(string text, string reason)
    {
        await using var host = await StartAsync();
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        await ana.SendMessageAsync(text);

        var blocked = await ana.ReceiveAsync();
        Assert.Equal("message_blocked", blocked.GetProperty("type").GetString());
        Assert.Equal(reason, blocked.GetProperty("reason").GetString());
        Assert.Empty(await ben.DrainAsync());
        Assert.Empty(_comprehend.Rejections);
    }

    [Theory]
    [InlineData("meh-negative, could be better")] // NEGATIVE but not above 0.8, the original rule's threshold
    [InlineData("Jane Smith is a great streamer")] // NAME is not in the default entity types
    [InlineData("well damn, that was close")] // PROFANITY is left to the local list by default
    public async Task Allowed_BelowThresholdsOrOutsideTheConfiguredTypes_IsDelivered(string text)
    {
        await using var host = await StartAsync();
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        await ana.SendMessageAsync(text);

        Assert.Equal(text, (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(1, _comprehend.CallCount("DetectSentiment"));
        Assert.Equal(1, _comprehend.CallCount("DetectPiiEntities"));
        Assert.Equal(1, _comprehend.CallCount("DetectToxicContent"));
    }

    [Fact]
    public async Task LocalRulesBlockFirst_ComprehendIsNotCalled()
    {
        await using var host = await StartAsync();
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        await ana.SendMessageAsync("you are a bastard");

        Assert.Equal("profanity", (await ana.ReceiveAsync("message_blocked")).GetProperty("reason").GetString());
        Assert.Empty(_comprehend.Calls);
    }

    [Fact]
    public async Task RepeatedText_IsJudgedOnce_WhileCached()
    {
        await using var host = await StartAsync();
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        for (var i = 0; i < 3; i++)
        {
            await ana.SendMessageAsync("GG!");
            await ben.ReceiveAsync("message");
        }

        Assert.Equal(1, _comprehend.CallCount("DetectSentiment"));
        Assert.Equal(3, _comprehend.Calls.Count);
    }

    [Fact]
    public async Task OnlyTheEnabledChecks_AreCalled_AndSettingsAreHonoured()
    {
        await using var host = await StartAsync(o =>
        {
            o.Sentiment.Enabled = false;
            o.Toxicity.Enabled = false;
            o.Pii.EntityTypes.Add("NAME");
            o.Pii.Action = PiiAction.Redact;
        },
        // The local address rule would block "12 Main Street" before Comprehend sees it; this test is about Comprehend.
        chat => chat.Moderation.Pii.PostalAddresses = StreamChat.Core.Moderation.PiiAction.Allow);
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        await ana.SendMessageAsync("Jane Smith lives at 12 Main Street, this is awful");

        Assert.Equal("[name] lives at [address], this is awful", (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal("pii", (await ana.ReceiveAsync("message_redacted")).GetProperty("reason").GetString());
        Assert.Equal(["DetectPiiEntities"], _comprehend.Calls.Select(c => c.Operation).ToArray());
    }

    [Fact]
    public async Task Throttled_IsRetried_AndTheMessageGoesThrough()
    {
        await using var host = await StartAsync();
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        await ana.SendMessageAsync("throttle-once please");

        Assert.Equal("throttle-once please", (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        Assert.Equal(3, _comprehend.Calls.Count);
    }

    [Theory]
    [InlineData(ModerationFailureMode.FailOpen, "server-error here")]
    [InlineData(ModerationFailureMode.FailClosed, "server-error here")]
    [InlineData(ModerationFailureMode.FailOpen, "slow answer")]
    [InlineData(ModerationFailureMode.FailClosed, "slow answer")]
    public async Task ErrorsAndTimeOuts_FollowTheFailureMode(ModerationFailureMode mode, string text)
    {
        await using var host = await StartAsync(o => o.Timeout = TimeSpan.FromMilliseconds(400), c => c.Moderation.FailureMode = mode);
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;
        var stopwatch = Stopwatch.StartNew();

        await ana.SendMessageAsync(text);

        if (mode == ModerationFailureMode.FailOpen)
        {
            Assert.Equal(text, (await ben.ReceiveAsync("message")).GetProperty("message").GetString());
        }
        else
        {
            Assert.Equal("message_blocked", (await ana.ReceiveAsync()).GetProperty("type").GetString());
            Assert.Empty(await ben.DrainAsync());
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2.5), $"The decision took {stopwatch.Elapsed}; the time-out is 400 ms.");
    }

    [Fact]
    public async Task SignedForTheWrongRegion_IsRefusedByComprehend_AndTheFailureModeApplies()
    {
        await using var host = await StartAsync(o => o.Region = "us-east-1", c => c.Moderation.FailureMode = ModerationFailureMode.FailClosed);
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        await ana.SendMessageAsync("hello");

        Assert.Equal("message_blocked", (await ana.ReceiveAsync()).GetProperty("type").GetString());
        Assert.Contains(_comprehend.Rejections, r => r.Contains("us-east-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CallsAndBilledUnits_AreCounted()
    {
        await using var host = await StartAsync();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var units = new MetricCollector<long>(factory, "StreamChat", "streamchat.comprehend.billed_units");
        using var requests = new MetricCollector<long>(factory, "StreamChat", "streamchat.comprehend.requests");
        var (ana, ben) = await PairAsync(host);
        await using var _ = ana;
        await using var __ = ben;

        var text = "Stream night notes: " + string.Join(' ', Enumerable.Range(1, 74).Select(static i => "w" + i)); // 306 characters
        Assert.Equal(306, text.Length);
        await ana.SendMessageAsync(text);
        await ben.ReceiveAsync("message");

        // 306 characters: 4 units per call (100-character units, at least 3), three calls.
        Assert.Equal(12, units.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(3, requests.GetMeasurementSnapshot().Count(m => (string?)m.Tags["outcome"] == "success"));
    }

    [Fact]
    public void LongText_IsCutToTheDocumentedLimits_OnCharacterBoundaries()
    {
        var text = string.Concat(Enumerable.Repeat("é😀ab", 2_000)); // 2, 4, 1, 1 bytes: 16,000 bytes
        var sentiment = ComprehendMessageModerator.Truncate(text, ComprehendMessageModerator.SentimentMaxBytes);
        var segments = ComprehendMessageModerator.Segments(text);

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(sentiment), 4_990, 5_000);
        Assert.False(char.IsHighSurrogate(sentiment[^1]));
        Assert.Equal(10, segments.Length);
        Assert.All(segments, s => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(s), 990, 1_000));
        Assert.All(segments, s => Assert.False(char.IsHighSurrogate(s[^1])));
        Assert.StartsWith(string.Concat(segments), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("com.amazonaws.comprehend#ThrottlingException", "ThrottlingException")]
    [InlineData("TextSizeLimitExceededException:http://internal.amazon.com/", "TextSizeLimitExceededException")]
    [InlineData("InternalServerException", "InternalServerException")]
    public void ErrorType_IsReadTheWayBotocoreReadsIt(string raw, string expected) =>
        Assert.Equal(expected, StreamChat.Aws.Internal.AwsRetry.ErrorType(raw));

    [Fact]
    public void InvalidOptions_FailValidation_WithEveryProblemNamed()
    {
        var services = new ServiceCollection();
        services.AddStreamChatCore().AddComprehendModeration(o =>
        {
            o.LanguageCode = "fr";
            o.Timeout = TimeSpan.Zero;
            o.Pii.EntityTypes.Add("FAVOURITE_COLOUR");
            o.Toxicity.Labels.Add("RUDE");
            o.Sentiment.NegativeThreshold = 1.5;
            o.UntrustedFrom = -0.1;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ComprehendModerationOptions>>().Value);

        foreach (var expected in new[] { "Timeout", "FAVOURITE_COLOUR", "RUDE", "English", "NegativeThreshold", "UntrustedFrom" })
        {
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }
    }
}
