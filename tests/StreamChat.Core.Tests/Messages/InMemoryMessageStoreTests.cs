using Microsoft.Extensions.Options;
using StreamChat.Core.Messages;
using StreamChat.Testing;

namespace StreamChat.Core.Tests.Messages;

public sealed class InMemoryMessageStoreTests : MessageStoreTestsBase
{
    protected override Task<IMessageStore> CreateStoreAsync(TimeSpan timeToLive, int maxPerStream = 1000)
    {
        var options = new StreamChatOptions { MessageTimeToLive = timeToLive, MaxMessagesPerStream = maxPerStream };
        return Task.FromResult<IMessageStore>(new InMemoryMessageStore(Options.Create(options), Time));
    }

    [Fact]
    public async Task AddAsync_OverThePerStreamCap_DropsTheOldest()
    {
        var store = await CreateStoreAsync(TimeSpan.FromHours(1), maxPerStream: 3);
        foreach (var text in new[] { "1", "2", "3", "4", "5" })
        {
            await store.AddAsync(Message(text)).DefaultTimeout();
        }

        Assert.Equal(["3", "4", "5"], (await store.GetRecentAsync("stream-1", 10).DefaultTimeout()).Select(m => m.Text));
    }
}
