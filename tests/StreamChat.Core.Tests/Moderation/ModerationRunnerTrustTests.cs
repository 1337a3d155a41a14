using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Tests.Moderation;

public sealed class ModerationRunnerTrustTests
{
    private static ModerationRunner Runner(IUserTrust trust, params IMessageModerator[] moderators) => new(
        moderators,
        new AuditTrail(Substitute.For<IModerationAuditSink>(), TimeProvider.System, NullLogger<AuditTrail>.Instance),
        Options.Create(new StreamChatOptions()),
        NullLogger<ModerationRunner>.Instance,
        trust);

    private static readonly ModerationContext Context = new("hello", "s1", "ana", "c1", "m1");

    [Fact]
    public async Task EveryDecision_IsRecorded_ForTheSenderInTheStream()
    {
        var trust = Substitute.For<IUserTrust>();
        var hostile = Substitute.For<IMessageModerator>();
        hostile.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>())
            .Returns(ModerationResult.Block(BlockReason.Toxicity, "toxicity.insult", "no"));

        await Runner(trust).RunAsync(Context, CancellationToken.None);
        await Runner(trust, hostile).RunAsync(Context, CancellationToken.None);

        await trust.Received(1).RecordAsync("s1", "ana", Arg.Is<ModerationResult>(r => !r.IsBlocked), Arg.Any<CancellationToken>());
        await trust.Received(1).RecordAsync("s1", "ana", Arg.Is<ModerationResult>(r => r.Reason == BlockReason.Toxicity), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task ATrustStoreThatFails_CostsNothingButTheRecord()
    {
        var trust = Substitute.For<IUserTrust>();
        trust.RecordAsync(default!, default!, default, default).ReturnsForAnyArgs(ValueTask.FromException(new InvalidOperationException("store down")));

        var (verdict, text) = await Runner(trust).RunAsync(Context, CancellationToken.None);

        Assert.False(verdict.IsBlocked);
        Assert.Equal("hello", text);
    }

    [Fact]
    public async Task AnOutage_IsNotRecorded()
    {
        var trust = Substitute.For<IUserTrust>();
        var broken = Substitute.For<IMessageModerator>();
        broken.ModerateAsync(Arg.Any<ModerationContext>(), Arg.Any<CancellationToken>()).ThrowsAsyncForAnyArgs(new TimeoutException());
        var options = new StreamChatOptions();
        options.Moderation.FailureMode = ModerationFailureMode.FailClosed;
        var runner = new ModerationRunner(
            [broken],
            new AuditTrail(Substitute.For<IModerationAuditSink>(), TimeProvider.System, NullLogger<AuditTrail>.Instance),
            Options.Create(options),
            NullLogger<ModerationRunner>.Instance,
            trust);

        var (verdict, _) = await runner.RunAsync(Context, CancellationToken.None);

        Assert.Equal(BlockReason.ModerationUnavailable, verdict.Reason);
        await trust.DidNotReceiveWithAnyArgs().RecordAsync(default!, default!, default, default);
    }
}
