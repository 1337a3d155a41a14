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
    public static StreamChatLambdaHandler CreateHandler() => StreamChatLambdaHandler.Create(static b =>
    {
        var chat = b.Services
            .AddStreamChatCore(b.Configuration.GetSection("StreamChat"))
            .AddDynamoDbStores(b.Configuration.GetSection("StreamChatDynamoDb"))
            .AddDynamoDbAuditTrail()
            .AddApiGatewayBroadcaster(b.Configuration.GetSection("StreamChatApiGateway"))
            .AddComprehendModeration(b.Configuration.GetSection("StreamChatComprehend"));

        // Optional: hostility found with sentence embeddings as well as the word patterns (StreamChat.Moderation.Onnx),
        // in the managed build published with -p:EmbeddingHostility=true; the model loads on a sandbox's first message.
        //   StreamChatEmbedding__Enabled=false             switch it off (template parameter EmbeddingHostility)
        //   StreamChatEmbedding__UnsureProbability=0.3     its other options (EmbeddingHostilityOptions)
        //   StreamChatComprehend__UntrustedFrom=0.1        ask Comprehend less often about new and flagged senders
#if EMBEDDING_HOSTILITY
        chat.AddSentenceEmbeddingHostility(b.Configuration.GetSection("StreamChatEmbedding"));
#else
        if (IsOn(b.Configuration["StreamChatEmbedding:Enabled"], "StreamChatEmbedding:Enabled"))
        {
            throw new InvalidOperationException(
                "StreamChatEmbedding:Enabled is true, but this build has no StreamChat.Moderation.Onnx. Publish the managed build with " +
                "-p:EmbeddingHostility=true (dotnet publish samples/StreamChat.Samples.Lambda -c Release -r linux-x64 --self-contained false " +
                "-p:EmbeddingHostility=true) and deploy it with FunctionRuntime=dotnet10; the Native AOT build cannot carry the model.");
        }
#endif
    });

    private static bool IsOn(string? value, string key) =>
        value is null ? false
        : bool.TryParse(value, out var on) ? on
        : throw new InvalidOperationException($"{key} must be true or false, not \"{value}\".");

    /// <summary>Handles one API Gateway WebSocket event.</summary>
    /// <param name="input">The proxy event.</param>
    /// <returns>The proxy response.</returns>
    public Task<Stream> HandleAsync(Stream input) => _chat.HandleAsync(input);

    /// <inheritdoc />
    public void Dispose() => _chat.Dispose();
}
