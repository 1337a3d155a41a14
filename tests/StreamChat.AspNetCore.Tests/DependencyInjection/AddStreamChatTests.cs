using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.AspNetCore;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Pipeline;
using StreamChat.Testing;

namespace StreamChat.AspNetCore.Tests.DependencyInjection;

public sealed class AddStreamChatTests
{
    [Fact]
    public void AddStreamChat_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        services.AddStreamChat();
        var count = services.Count;

        services.AddStreamChat();

        Assert.Equal(count, services.Count);
    }

    [Fact]
    public void AddStreamChat_BroadcasterRegisteredFirst_Wins()
    {
        var broadcaster = Substitute.For<IChatBroadcaster>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(broadcaster);

        services.AddStreamChat();

        using var provider = services.BuildServiceProvider();
        Assert.Same(broadcaster, provider.GetRequiredService<IChatBroadcaster>());
        Assert.NotNull(provider.GetRequiredService<IChatPipeline>());
    }

    [Fact]
    public void MapStreamChat_WithoutAddStreamChat_ThrowsSayingWhatToCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapStreamChat("/chat"));

        Assert.Contains("AddStreamChat()", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(16, 0)]
    [InlineData(16, -1)]
    public async Task StartAsync_InvalidWebSocketOptions_FailsAtStartUp(int queueCapacity, int closeTimeoutSeconds)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddStreamChat().ConfigureWebSockets(o =>
        {
            o.SendQueueCapacity = queueCapacity;
            o.CloseTimeout = TimeSpan.FromSeconds(closeTimeoutSeconds);
        });
        await using var app = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().DefaultTimeout());
    }

    [Theory]
    [InlineData("watch.example.com")]
    [InlineData("https://watch.example.com/page")]
    [InlineData("ftp://watch.example.com")]
    public async Task StartAsync_AllowedOriginThatIsNoOrigin_FailsAtStartUp(string origin)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddStreamChat().ConfigureWebSockets(o => o.AllowedOrigins.Add(origin));
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().DefaultTimeout());
        Assert.Contains("AllowedOrigins", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_InvalidCoreOptions_FailsAtStartUp()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddStreamChat(o => o.MaxMessageLength = -1);
        await using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().DefaultTimeout());
        Assert.Contains("MaxMessageLength", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WebSocketOptions_Defaults()
    {
        var options = new StreamChatWebSocketOptions();

        Assert.Equal(1024, options.SendQueueCapacity);
        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CloseTimeout);
        Assert.Equal(4096, options.ReceiveBufferSize);
    }
}
