using Microsoft.Extensions.DependencyInjection;

namespace StreamChat.Core;

/// <summary>Configures StreamChat's services; adapter packages add extension methods to it.</summary>
public interface IStreamChatBuilder
{
    /// <summary>Gets the service collection StreamChat is registered in.</summary>
    IServiceCollection Services { get; }
}
