using StreamChat.Core.Connections;

namespace StreamChat.Core.Tests.Connections;

public sealed class InMemoryConnectionStoreTests : ConnectionStoreTestsBase
{
    protected override Task<IConnectionStore> CreateStoreAsync() => Task.FromResult<IConnectionStore>(new InMemoryConnectionStore());
}
