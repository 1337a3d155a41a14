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
using StreamChat.Testing;

namespace StreamChat.Aws.Tests.Infrastructure;

/// <summary>
/// A local Lambda Runtime API (2018-06-01) for custom runtimes, checked the way Lambda does: GET invocation/next is a
/// long poll that hands out queued events with their request id, deadline and trace headers; a response or an error
/// must name a request id it handed out and not yet answered, and gets 202; anything else gets 400 or 404.
/// </summary>
internal sealed class RuntimeApiStandIn : IAsyncDisposable
{
    private const string Base = "/2018-06-01/runtime/";
    private readonly WebApplication _app;
    private readonly Channel<(string RequestId, string Body, bool Late)> _events = Channel.CreateUnbounded<(string, string, bool)>();
    private readonly ConcurrentDictionary<string, bool> _open = new(StringComparer.Ordinal);

    private RuntimeApiStandIn(WebApplication app) => _app = app;

    /// <summary>host:port, as AWS_LAMBDA_RUNTIME_API gives it.</summary>
    public string Address { get; private set; } = string.Empty;

    public ConcurrentDictionary<string, TaskCompletionSource<string>> Responses { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, TaskCompletionSource<(string ErrorType, string Body)>> Errors { get; } = new(StringComparer.Ordinal);

    public TaskCompletionSource<(string ErrorType, string Body)> InitError { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentBag<string> Rejections { get; } = [];

    public static async Task<RuntimeApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new RuntimeApiStandIn(app);
        app.Run(server.HandleAsync);
        await app.StartAsync().DefaultTimeout();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.Address = address.Authority;
        return server;
    }

    /// <summary>
    /// Queues an event; the tasks complete with what the runtime posts as its response or its error. A
    /// <paramref name="late"/> event comes with a deadline already past, and its body follows the headers 200 ms later,
    /// so the handler is still reading it when it finds its time is up.
    /// </summary>
    public (string RequestId, Task<string> Response, Task<(string ErrorType, string Body)> Error) Enqueue(string body, bool late = false)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = Responses[requestId] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var error = Errors[requestId] = new TaskCompletionSource<(string, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _events.Writer.TryWrite((requestId, body, late));
        return (requestId, response.Task, error.Task);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith(Base, StringComparison.Ordinal))
        {
            await RejectAsync(context, 404, "unknown path " + path);
            return;
        }

        var route = path[Base.Length..];
        if (route == "invocation/next" && HttpMethods.IsGet(context.Request.Method))
        {
            var (requestId, body, late) = await _events.Reader.ReadAsync(context.RequestAborted);
            _open[requestId] = true;
            context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = requestId;
            context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = (DateTimeOffset.UtcNow + TimeSpan.FromSeconds(late ? -1 : 30)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["Lambda-Runtime-Trace-Id"] = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
            context.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:eu-west-2:123456789012:function:chat";
            context.Response.ContentType = "application/json";
            if (late)
            {
                await context.Response.StartAsync(context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(200, context.RequestAborted);
            }

            await context.Response.WriteAsync(body);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await RejectAsync(context, 405, context.Request.Method + " " + path);
            return;
        }

        var posted = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].ToString();
        if (route == "init/error")
        {
            InitError.TrySetResult((errorType, posted));
            context.Response.StatusCode = 202;
            return;
        }

        var parts = route.Split('/');
        if (parts.Length != 3 || parts[0] != "invocation" || parts[2] is not ("response" or "error"))
        {
            await RejectAsync(context, 404, "unknown path " + path);
            return;
        }

        if (!_open.TryRemove(parts[1], out _))
        {
            await RejectAsync(context, 400, $"{parts[2]} for request {parts[1]}, which is not open (unknown or answered twice)");
            return;
        }

        if (parts[2] == "response")
        {
            Responses[parts[1]].TrySetResult(posted);
        }
        else
        {
            Errors[parts[1]].TrySetResult((errorType, posted));
        }

        context.Response.StatusCode = 202;
    }

    private async Task RejectAsync(HttpContext context, int status, string why)
    {
        Rejections.Add(why);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(why);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
