using StreamChat.Core.Diagnostics;
using StreamChat.Core.Sanctions;
using StreamChat.Core.Sanctions.Internal;

namespace StreamChat.Core.Tests.Sanctions;

public sealed class InMemorySanctionStoreTests : SanctionStoreTestsBase, IDisposable
{
    private readonly StreamChatMetrics _metrics = new();

    protected override Task<ISanctionStore> CreateStoreAsync() => Task.FromResult<ISanctionStore>(new InMemorySanctionStore(Time, _metrics));

    public void Dispose() => _metrics.Dispose();
}
