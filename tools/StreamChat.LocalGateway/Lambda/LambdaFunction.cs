using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.LocalGateway.Template;

namespace StreamChat.LocalGateway.Lambda;

/// <summary>What an invocation came back with: the function's response, or its error (or a time-out).</summary>
/// <param name="Succeeded">Whether the function answered with a response.</param>
/// <param name="Payload">The response, or the error document.</param>
internal readonly record struct InvocationResult(bool Succeeded, string Payload);

/// <summary>
/// One Lambda function of the template, served as Lambda serves it: invocations wait in a queue and are handed out
/// on the function's own Lambda Runtime API (<c>/2018-06-01/runtime/...</c>, on a loopback port of its own), one at a
/// time per sandbox, to as many out-of-process sandboxes as were started (<see cref="FunctionSandboxes"/>). Nothing is
/// shared between sandboxes but what the function keeps outside itself.
/// </summary>
internal sealed partial class LambdaFunction : IAsyncDisposable
{
    private const string RuntimePrefix = "/2018-06-01/runtime/";

    private readonly Channel<Invocation> _queue = Channel.CreateUnbounded<Invocation>();
    private readonly ConcurrentDictionary<string, Invocation> _inFlight = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly WebApplication _runtimeApi;
    private long _initErrors;
    private string? _lastInitError;

    private LambdaFunction(TemplateFunction function, WebApplication runtimeApi, ILogger logger)
    {
        Function = function;
        _runtimeApi = runtimeApi;
        _logger = logger;
    }

    /// <summary>Gets the template's definition of the function.</summary>
    public TemplateFunction Function { get; }

    /// <summary>Gets the Runtime API's <c>host:port</c>, the value of <c>AWS_LAMBDA_RUNTIME_API</c> in its sandboxes.</summary>
    public string RuntimeApiAddress { get; private init; } = string.Empty;

    /// <summary>Gets the number of init errors its sandboxes reported.</summary>
    public long InitErrors => Interlocked.Read(ref _initErrors);

    /// <summary>Gets the body of the last init error a sandbox reported (the Runtime API's error JSON), if any.</summary>
    public string? LastInitError => Volatile.Read(ref _lastInitError);

    /// <summary>Starts the function's Runtime API on a free loopback port (no sandbox yet).</summary>
    public static async Task<LambdaFunction> StartAsync(TemplateFunction function, ILoggerFactory loggerFactory)
    {
        LambdaFunction? lambda = null;
        var (app, address) = await LoopbackServer.StartAsync(0, 6 * 1024 * 1024, context => lambda!.HandleAsync(context));
        lambda = new LambdaFunction(function, app, loggerFactory.CreateLogger("LocalGateway.Function." + function.LogicalId)) { RuntimeApiAddress = address.Authority };
        return lambda;
    }

    /// <summary>Invokes the function with one event and waits for its answer, at most the function's time-out after a sandbox took it.</summary>
    public async Task<InvocationResult> InvokeAsync(string payload, CancellationToken cancellationToken = default)
    {
        var invocation = new Invocation(Guid.NewGuid().ToString(), payload);
        await _queue.Writer.WriteAsync(invocation, cancellationToken);
        using var registration = cancellationToken.Register(() => invocation.Answer.TrySetCanceled(cancellationToken));
        return await invocation.Answer.Task;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(RuntimePrefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var route = path[RuntimePrefix.Length..];
        if (route == "invocation/next" && HttpMethods.IsGet(context.Request.Method))
        {
            await NextAsync(context);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        if (route == "init/error")
        {
            Volatile.Write(ref _lastInitError, body);
            Interlocked.Increment(ref _initErrors);
            Log.InitError(_logger, Function.LogicalId, body);
            await AcceptedAsync(context);
            return;
        }

        var parts = route.Split('/');
        if (parts is not ["invocation", var requestId, "response" or "error"])
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!_inFlight.TryRemove(requestId, out var invocation))
        {
            // As Lambda: a second answer, or an answer after the time-out, is refused.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("""{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}""");
            return;
        }

        var succeeded = parts[2] == "response";
        if (!succeeded)
        {
            Log.InvocationError(_logger, Function.LogicalId, requestId, body);
        }

        invocation.Answer.TrySetResult(new InvocationResult(succeeded, body));
        await AcceptedAsync(context);
    }

    /// <summary>The long poll: hands the sandbox the next event, with the headers Lambda sends.</summary>
    private async Task NextAsync(HttpContext context)
    {
        Invocation invocation;
        try
        {
            invocation = await _queue.Reader.ReadAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            return; // the sandbox went away while waiting
        }

        if (invocation.Answer.Task.IsCompleted)
        {
            // Cancelled by the caller while queued: take the next one instead.
            await NextAsync(context);
            return;
        }

        var deadline = DateTimeOffset.UtcNow + Function.Timeout;
        _inFlight[invocation.RequestId] = invocation;
        _ = ExpireAsync(invocation, Function.Timeout);
        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = $"arn:aws:lambda:local:{SamTemplate.LocalAccountId}:function:{Function.FunctionName}";
        headers["Lambda-Runtime-Trace-Id"] = $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid():N}"[..40] + ";Sampled=0";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(invocation.Payload);
    }

    private async Task ExpireAsync(Invocation invocation, TimeSpan timeout)
    {
        if (await Task.WhenAny(invocation.Answer.Task, Task.Delay(timeout)) != invocation.Answer.Task
            && _inFlight.TryRemove(invocation.RequestId, out _))
        {
            Log.TimedOut(_logger, Function.LogicalId, invocation.RequestId, timeout.TotalSeconds);
            invocation.Answer.TrySetResult(new InvocationResult(false, $$"""{"errorMessage":"Task timed out after {{timeout.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}} seconds","errorType":"Sandbox.Timedout"}"""));
        }
    }

    private static Task AcceptedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("""{"status":"OK"}""");
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        foreach (var invocation in _inFlight.Values)
        {
            invocation.Answer.TrySetResult(new InvocationResult(false, """{"errorMessage":"The local gateway is stopping.","errorType":"Shutdown"}"""));
        }

        await _runtimeApi.DisposeAsync();
    }

    private sealed record Invocation(string RequestId, string Payload)
    {
        public TaskCompletionSource<InvocationResult> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "{Function}: init error reported by a sandbox: {Error}")]
        public static partial void InitError(ILogger logger, string function, string error);

        [LoggerMessage(2, LogLevel.Warning, "{Function}: invocation {RequestId} failed: {Error}")]
        public static partial void InvocationError(ILogger logger, string function, string requestId, string error);

        [LoggerMessage(3, LogLevel.Warning, "{Function}: invocation {RequestId} timed out after {Seconds} s.")]
        public static partial void TimedOut(ILogger logger, string function, string requestId, double seconds);
    }
}
