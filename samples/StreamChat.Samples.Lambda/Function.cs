using Microsoft.Extensions.DependencyInjection;
using StreamChat.Aws.Lambda;

namespace StreamChat.Samples.Lambda;

/// <summary>
/// The Lambda host: every route of the WebSocket API ($connect, $disconnect, message, $default) calls
/// <see cref="HandleAsync"/>. Handler string: <c>StreamChat.Samples.Lambda::StreamChat.Samples.Lambda.Function::HandleAsync</c>.
/// </summary>
/// <remarks>
/// The runtime constructs this class once per sandbox, during init: the service provider is built and every option
/// validated there, so a bad setting fails the deployment's first init instead of a user's first message.
/// Settings come from environment variables (set by template.yaml) over appsettings.json.
/// </remarks>
public sealed class Function : IDisposable
{
    private readonly StreamChatLambdaHandler _chat = CreateHandler();

    /// <summary>Builds the chat handler; the managed runtime's path (this class) and the custom runtime's (Program.cs) share it.</summary>
    /// <returns>The handler, with every option validated.</returns>
    public static StreamChatLambdaHandler CreateHandler() => StreamChatLambdaHandler.Create(static b => b.Services
        .AddStreamChatCore(b.Configuration.GetSection("StreamChat"))
        .AddDynamoDbStores(b.Configuration.GetSection("StreamChatDynamoDb"))
        .AddDynamoDbAuditTrail()
        .AddApiGatewayBroadcaster(b.Configuration.GetSection("StreamChatApiGateway"))
        .AddComprehendModeration(b.Configuration.GetSection("StreamChatComprehend")));

    /// <summary>Handles one API Gateway WebSocket event.</summary>
    /// <param name="input">The proxy event.</param>
    /// <returns>The proxy response.</returns>
    public Task<Stream> HandleAsync(Stream input) => _chat.HandleAsync(input);

    /// <inheritdoc />
    public void Dispose() => _chat.Dispose();
}
