using StreamChat.Core.Folding;

namespace StreamChat.Core.Tests.Folding;

public sealed class InMemoryFoldStoreTests : FoldStoreTestsBase
{
    protected override Task<IFoldStore> CreateStoreAsync() => Task.FromResult<IFoldStore>(new InMemoryFoldStore(Time));
}
