using Microsoft.Extensions.DependencyInjection;

namespace StreamChat.Core.Internal;

internal sealed record StreamChatBuilder(IServiceCollection Services) : IStreamChatBuilder;
