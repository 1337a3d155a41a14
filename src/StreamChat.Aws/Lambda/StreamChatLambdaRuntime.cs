using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamChat.Aws.Lambda.Internal;

namespace StreamChat.Aws.Lambda;

/// <summary>
/// Runs a <see cref="StreamChatLambdaHandler"/> in a Lambda custom runtime (<c>provided.al2023</c>), such as a
/// Native AOT <c>bootstrap</c> executable: it builds the handler during init, then takes events from the Lambda
/// Runtime API one at a time, answers each, and reports failures the way the Runtime API expects.
/// </summary>
/// <remarks>
/// The managed <c>dotnet10</c> runtime does not need this: it calls the handler method itself. See
/// <see href="https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html">the Runtime API</see>.
/// <code>
/// // Program.cs of a function published with PublishAot=true as "bootstrap":
/// await StreamChatLambdaRuntime.RunAsync(() =&gt; StreamChatLambdaHandler.Create(b =&gt; ...));
/// </code>
/// </remarks>
public static partial class StreamChatLambdaRuntime
{
    /// <summary>The environment variable through which Lambda gives a custom runtime the Runtime API's host and port.</summary>
    public const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    private const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    private const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    private const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    private const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    private const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Runs the event loop: init, then one event at a time until cancelled.</summary>
    /// <param name="createHandler">Builds the handler; it runs once, in the init phase, and its failure is reported as an init error and rethrown.</param>
    /// <param name="runtimeApi">The Runtime API's <c>host:port</c>; the default is the value of <c>AWS_LAMBDA_RUNTIME_API</c>.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that runs until <paramref name="cancellationToken"/> is cancelled, and then ends as cancelled.</returns>
    /// <exception cref="InvalidOperationException">No Runtime API is given and <c>AWS_LAMBDA_RUNTIME_API</c> is not set (the process is not running in Lambda).</exception>
    public static async Task RunAsync(Func<StreamChatLambdaHandler> createHandler, string? runtimeApi = null, CancellationToken cancellationToken = default)
    {
        runtimeApi ??= Environment.GetEnvironmentVariable(RuntimeApiVariable);
        if (string.IsNullOrEmpty(runtimeApi))
        {
            throw new InvalidOperationException(
                $"{RuntimeApiVariable} is not set: this entry point runs inside a Lambda custom runtime (provided.al2023). With the managed dotnet10 runtime, point the handler string at a method that calls StreamChatLambdaHandler.HandleAsync.");
        }

        ArgumentNullException.ThrowIfNull(createHandler);

        // The "next" call is a long poll: it returns when an event arrives, however long that takes.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/runtime/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };

        StreamChatLambdaHandler handler;
        try
        {
            handler = createHandler();
        }
        catch (Exception ex)
        {
            await PostErrorAsync(http, "init/error", ex, cancellationToken).ConfigureAwait(false);
            throw;
        }

        await using (handler.ConfigureAwait(false))
        {
            var logger = handler.Services.GetService<ILoggerFactory>()?.CreateLogger(typeof(StreamChatLambdaRuntime)) ?? NullLogger.Instance;
            // Ends only by cancellation, and always as cancelled, whether it came during a poll or between two events.
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await InvokeNextAsync(http, handler, logger, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task InvokeNextAsync(HttpClient http, StreamChatLambdaHandler handler, ILogger logger, CancellationToken cancellationToken)
    {
        using var next = await http.GetAsync("invocation/next", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        next.EnsureSuccessStatusCode();
        var requestId = Header(next, RequestIdHeader)
            ?? throw new InvalidOperationException($"The Runtime API sent an event without {RequestIdHeader}.");

        // The trace header goes where the X-Ray SDK and the AWS SDK look for it.
        Environment.SetEnvironmentVariable(TraceIdVariable, Header(next, TraceIdHeader));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (long.TryParse(Header(next, DeadlineHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var deadlineMs))
        {
            var remaining = DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs) - DateTimeOffset.UtcNow;
            deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        Stream response;
        try
        {
            var input = await next.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (input.ConfigureAwait(false))
            {
                response = await handler.HandleWithoutDeferredWorkAsync(input, deadline.Token).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The Runtime API is told about any failure of one invocation; the loop goes on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.InvocationFailed(logger, requestId, ex);
            await PostErrorAsync(http, $"invocation/{requestId}/error", ex, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var content = new StreamContent(response);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var posted = await http.PostAsync($"invocation/{requestId}/response", content, cancellationToken).ConfigureAwait(false);
        if (posted.StatusCode != HttpStatusCode.Accepted)
        {
            Log.ResponseRefused(logger, requestId, (int)posted.StatusCode);
        }

        // A custom runtime may keep working after the response and before asking for the next event: folded frames
        // due shortly go out without holding up the handshake or the sender. Lambda bills this time too.
        try
        {
            await handler.CompleteDeferredWorkAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.DeferredWorkCutShort(logger, requestId);
        }
    }

    private static async Task PostErrorAsync(HttpClient http, string path, Exception exception, CancellationToken cancellationToken)
    {
        var errorType = exception.GetType().Name;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new LambdaRuntimeError { ErrorMessage = exception.Message, ErrorType = errorType },
            LambdaJsonContext.Default.LambdaRuntimeError);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, "Unhandled");
        using var posted = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Invocation {RequestId} failed; the error was reported to the Lambda Runtime API.", EventName = "RuntimeInvocationFailed")]
        public static partial void InvocationFailed(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(9, LogLevel.Warning, "The invocation {RequestId} reached its deadline before its deferred work (folded frames) was done.", EventName = "DeferredWorkCutShort")]
        public static partial void DeferredWorkCutShort(ILogger logger, string requestId);

        [LoggerMessage(2, LogLevel.Warning, "The Lambda Runtime API refused the response to invocation {RequestId} with status {StatusCode} (for example 413: too large).", EventName = "RuntimeResponseRefused")]
        public static partial void ResponseRefused(ILogger logger, string requestId, int statusCode);
    }
}
