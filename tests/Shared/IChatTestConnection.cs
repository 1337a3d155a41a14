using System.Text.Json;

namespace StreamChat.Testing;

/// <summary>One chat connection as a test sees it, whichever host carries it (a WebSocket, or API Gateway events).</summary>
internal interface IChatTestConnection : IAsyncDisposable
{
    Task SendAsync(string json);

    Task SendRawAsync(ReadOnlyMemory<byte> bytes);

    /// <summary>Sends the bytes as a binary frame (on API Gateway, an event with <c>isBase64Encoded</c>).</summary>
    Task SendBinaryAsync(ReadOnlyMemory<byte> bytes);

    Task SendMessageAsync(string text);

    Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null);

    Task<JsonElement> ReceiveAsync(string type, TimeSpan? timeout = null);

    Task AssertNoFrameAsync(TimeSpan window);

    /// <summary>Sends a ping and returns every frame that arrived before its pong.</summary>
    Task<List<JsonElement>> DrainAsync();

    /// <summary>Closes the connection from the client's side.</summary>
    Task CloseAsync();

    /// <summary>Waits until the server closes the connection; returns the close code it sent, if the transport carries one.</summary>
    Task<int?> ClosedByServerAsync();
}
