using StreamChat.Core.Connections;

namespace StreamChat.Core.Pipeline;

/// <summary>A handshake that passed identity validation, on its way to the connection store.</summary>
/// <param name="Connection">The connection that will be stored if every policy lets it through.</param>
/// <param name="CancellationToken">Cancels the handshake.</param>
public sealed record ChatConnectContext(ChatConnection Connection, CancellationToken CancellationToken)
{
    /// <summary>Gets the client's address as the host saw it (Kestrel's remote IP, API Gateway's <c>sourceIp</c>), if known.</summary>
    public string? RemoteAddress { get; init; }
}
