using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamChat.Aws.Lambda;
using StreamChat.Aws.Tests.Infrastructure;
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Lambda;

/// <summary>The custom-runtime loop (provided.al2023, the Native AOT build) against a local Lambda Runtime API.</summary>
public sealed class LambdaRuntimeTests
{
    private static StreamChatLambdaHandler CreateHandler() => StreamChatLambdaHandler.Create(static b =>
        b.Services.AddStreamChatCore(static o => o.AllowDevelopmentIdentity = true).AddApiGatewayBroadcaster(static o =>
        {
            o.Region = "eu-west-2";
            o.CredentialsFactory = static _ => SigV4Verifier.Credentials;
        }));

    [Fact]
    public async Task EachEvent_IsAnswered_UnderItsOwnRequestId()
    {
        await using var api = await RuntimeApiStandIn.StartAsync();
        using var stop = new CancellationTokenSource();
        var loop = StreamChatLambdaRuntime.RunAsync(CreateHandler, api.Address, stop.Token);

        var connectionId = ApiGatewayLambdaHost.NewConnectionId();
        var connect = api.Enqueue(Connect(connectionId, "ana").ToJsonString());
        var malformed = api.Enqueue("""{"requestContext":{}}""");
        var disconnect = api.Enqueue(Events.Disconnect(connectionId, 1000).ToJsonString());

        Assert.Equal(200, StatusCode(await connect.Response.DefaultTimeout()));
        Assert.Equal(400, StatusCode(await malformed.Response.DefaultTimeout()));
        Assert.Equal(200, StatusCode(await disconnect.Response.DefaultTimeout()));
        Assert.Empty(api.Rejections);
        Assert.Equal("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop).DefaultTimeout();
    }

    [Fact]
    public async Task AnEventPastItsDeadline_IsReportedAsAnInvocationError_AndTheLoopGoesOn()
    {
        await using var api = await RuntimeApiStandIn.StartAsync();
        using var stop = new CancellationTokenSource();
        var loop = StreamChatLambdaRuntime.RunAsync(CreateHandler, api.Address, stop.Token);

        // An event whose deadline has passed while the handler is still reading it: the handler gives up, and that is
        // not a refusal it can answer, so it is the Runtime API's error.
        var late = api.Enqueue(Connect(ApiGatewayLambdaHost.NewConnectionId(), "ana").ToJsonString(), late: true);
        var (errorType, body) = await late.Error.DefaultTimeout();
        Assert.Equal("Unhandled", errorType);
        using (var error = JsonDocument.Parse(body))
        {
            Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("errorType").GetString()));
            Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("errorMessage").GetString()));
        }

        var next = api.Enqueue(Connect(ApiGatewayLambdaHost.NewConnectionId(), "ben").ToJsonString());
        Assert.Equal(200, StatusCode(await next.Response.DefaultTimeout()));
        Assert.Empty(api.Rejections);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop).DefaultTimeout();
    }

    [Fact]
    public async Task AFailedInit_IsReportedAsAnInitError_AndRethrown()
    {
        await using var api = await RuntimeApiStandIn.StartAsync();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => StreamChatLambdaRuntime.RunAsync(
            static () => StreamChatLambdaHandler.Create(static b => b.Services
                .AddStreamChatCore(static o => o.MaxMessageLength = 0)
                .AddApiGatewayBroadcaster(static o => o.Region = "eu-west-2")),
            api.Address)).DefaultTimeout();

        var (errorType, body) = await api.InitError.Task.DefaultTimeout();
        Assert.Equal("Unhandled", errorType);
        using var error = JsonDocument.Parse(body);
        Assert.Equal(nameof(OptionsValidationException), error.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(ex.Message, error.RootElement.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task OutsideLambda_TheEntryPointSaysWhatIsMissing()
    {
        var saved = Environment.GetEnvironmentVariable(StreamChatLambdaRuntime.RuntimeApiVariable);
        Environment.SetEnvironmentVariable(StreamChatLambdaRuntime.RuntimeApiVariable, null);
        try
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => StreamChatLambdaRuntime.RunAsync(CreateHandler));
            Assert.Contains("AWS_LAMBDA_RUNTIME_API", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(StreamChatLambdaRuntime.RuntimeApiVariable, saved);
        }
    }

    private static System.Text.Json.Nodes.JsonObject Connect(string connectionId, string userId) =>
        Events.Connect(connectionId, new Dictionary<string, string?> { ["streamId"] = "live", ["userId"] = userId, ["username"] = userId });

    private static int StatusCode(string response)
    {
        using var doc = JsonDocument.Parse(response);
        return doc.RootElement.GetProperty("statusCode").GetInt32();
    }
}
