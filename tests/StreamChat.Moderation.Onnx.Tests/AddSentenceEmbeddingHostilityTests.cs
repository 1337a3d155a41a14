using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamChat.Core;
using StreamChat.Core.Moderation;
using StreamChat.Moderation.Onnx.Internal;

namespace StreamChat.Moderation.Onnx.Tests;

public sealed class AddSentenceEmbeddingHostilityTests
{
    [Fact]
    public void WrapsTheScorerRegisteredBefore_Once_HoweverOftenItIsCalled()
    {
        var services = new ServiceCollection().AddLogging();
        var chat = services.AddStreamChatCore();
        chat.AddSentenceEmbeddingHostility().AddSentenceEmbeddingHostility();
        Assert.Single(services, d => d.ServiceType == typeof(IHostilityScorer) && !d.IsKeyedService);
        Assert.Single(services, d => d.ServiceType == typeof(IHostilityScorer) && d.IsKeyedService);

        using var provider = services.BuildServiceProvider();
        Assert.IsType<EmbeddingHostilityScorer>(provider.GetRequiredService<IHostilityScorer>());
    }

    [Fact]
    public void AnApplicationsOwnScorer_IsWhatGetsWrapped()
    {
        var own = Substitute.For<IHostilityScorer>();
        own.Score(Arg.Any<string>()).Returns(new HostilityScore(1.0, "toxicity.own"));
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(own);
        services.AddStreamChatCore().AddSentenceEmbeddingHostility();

        using var provider = services.BuildServiceProvider();
        Assert.Equal("toxicity.own", provider.GetRequiredService<IHostilityScorer>().Score("anything").Rule);
    }

    [Fact]
    public void WithoutStreamChat_ItSaysWhatToCallFirst()
    {
        var builder = Substitute.For<IStreamChatBuilder>();
        builder.Services.Returns(new ServiceCollection());
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddSentenceEmbeddingHostility());
        Assert.Contains("AddStreamChat", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, 1, 0.5, 0.9)]
    [InlineData(511, 1, 0.5, 0.9)]
    [InlineData(500, 0, 0.5, 0.9)]
    [InlineData(500, 1, 0.9, 0.9)]
    [InlineData(500, 1, 0.5, 1.5)]
    public void OptionsOutOfRange_AreRefused(int maxTextLength, int threads, double unsure, double block)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddStreamChatCore().AddSentenceEmbeddingHostility(o =>
        {
            o.MaxTextLength = maxTextLength;
            o.ThreadsPerInference = threads;
            o.UnsureProbability = unsure;
            o.BlockProbability = block;
        });
        using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EmbeddingHostilityOptions>>().Value);
    }

    [Fact]
    public void OptionsFromConfiguration_AreBound_AndAnUnknownKeyIsAnError()
    {
        var good = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Enabled"] = "false", ["MaxTextLength"] = "200" }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddStreamChatCore().AddSentenceEmbeddingHostility(good);
        using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<IOptions<EmbeddingHostilityOptions>>().Value;
            Assert.False(options.Enabled);
            Assert.Equal(200, options.MaxTextLength);
        }

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Treshold"] = "0.5" }).Build();
        services = new ServiceCollection().AddLogging();
        services.AddStreamChatCore().AddSentenceEmbeddingHostility(bad);
        using var broken = services.BuildServiceProvider();
        Assert.Throws<InvalidOperationException>(() => broken.GetRequiredService<IOptions<EmbeddingHostilityOptions>>().Value);
    }
}
