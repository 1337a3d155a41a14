using System.Collections.Concurrent;
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
/// A local stand-in for the API Gateway Management API that checks each request the way AWS would
/// (method, path, SigV4 Authorization for execute-api in the right region) and answers with its
/// documented statuses: 200 for a post, 204 for a delete, 403 for a bad signature, 410 for a gone
/// connection, 429 when throttling, 500 when broken.
/// </summary>
internal sealed class ManagementApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ManagementApiStandIn(WebApplication app) => _app = app;

    /// <summary>The callback URL to configure: http://127.0.0.1:PORT/prod.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public string Region { get; private init; } = "eu-west-2";

    /// <summary>Delay before answering a post.</summary>
    public TimeSpan PostDelay { get; set; }

    /// <summary>Posts per connection id (every attempt, retries included).</summary>
    public ConcurrentDictionary<string, int> Posts { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, byte[]> Bodies { get; } = new(StringComparer.Ordinal);

    public ConcurrentBag<string> Deletes { get; } = [];

    public ConcurrentBag<string> Rejections { get; } = [];

    /// <summary>
    /// Recompute every signature (see <see cref="SigV4Verifier"/>); off only where the stand-in's own CPU would
    /// distort a timing (the header's shape, scope, service and region are still checked).
    /// </summary>
    public bool RecomputeSignatures { get; set; } = true;

    /// <summary>
    /// When set, decides each post: it gets the connection id and the body and returns the status to answer
    /// (200, or 410 for a connection that is gone). The Lambda host tests deliver frames to their clients this way.
    /// </summary>
    public Func<string, byte[], int>? Router { get; set; }

    /// <summary>When set, decides each delete: it gets the connection id and returns 204, or 410 for one already gone.</summary>
    public Func<string, int>? DeleteRouter { get; set; }

    /// <summary>Host headers the posts arrived with (the host they were signed for).</summary>
    public ConcurrentBag<string> Hosts { get; } = [];

    public int InFlight => _inFlight;

    /// <summary>Gets every POST received so far (each is one paid PostToConnection on AWS).</summary>
    public int PostCount => _postCount;

    private int _postCount;

    public int MaxInFlight => _maxInFlight;

    private int _inFlight;
    private int _maxInFlight;

    public static async Task<ManagementApiStandIn> StartAsync(string region = "eu-west-2")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Limits.MaxConcurrentConnections = null).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ManagementApiStandIn(app) { Region = region };
        // A bare request delegate (no routing): the stand-in shares the machine's two cores with the code under test.
        app.Run(context =>
        {
            const string prefix = "/prod/@connections/";
            var path = context.Request.Path.Value ?? string.Empty;
            if (!path.StartsWith(prefix, StringComparison.Ordinal) || context.Request.Method is not ("POST" or "DELETE"))
            {
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
            }

            return server.HandleAsync(context, Uri.UnescapeDataString(path[prefix.Length..]));
        });
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address + "/prod");
        return server;
    }

    private async Task HandleAsync(HttpContext context, string id)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        var problem = SigV4Verifier.Check(context, bytes, "execute-api", Region, RecomputeSignatures);
        if (problem is not null)
        {
            Rejections.Add(problem);
            await ErrorAsync(context, 403, "ForbiddenException", problem);
            return;
        }

        Hosts.Add(context.Request.Host.Value ?? string.Empty);

        if (context.Request.Method == "DELETE")
        {
            Deletes.Add(id);
            context.Response.StatusCode = DeleteRouter is { } deleteRouter ? deleteRouter(id) : id.StartsWith("gone-", StringComparison.Ordinal) ? 410 : 204;
            return;
        }

        var attempt = Posts.AddOrUpdate(id, 1, static (_, n) => n + 1);
        Interlocked.Increment(ref _postCount);
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        try
        {
            Bodies[id] = bytes;
            if (PostDelay > TimeSpan.Zero)
            {
                await Task.Delay(PostDelay);
            }

            if (Router is { } router)
            {
                var status = router(id, bytes);
                if (status == 410)
                {
                    await ErrorAsync(context, 410, "GoneException", "The connection is gone.");
                }
                else
                {
                    context.Response.StatusCode = status;
                }
            }
            else if (id.StartsWith("gone-", StringComparison.Ordinal))
            {
                await ErrorAsync(context, 410, "GoneException", "The connection is gone.");
            }
            else if (id.StartsWith("throttle-", StringComparison.Ordinal) && attempt == 1)
            {
                await ErrorAsync(context, 429, "LimitExceededException", "Rate exceeded.");
            }
            else if (id.StartsWith("broken-", StringComparison.Ordinal))
            {
                await ErrorAsync(context, 500, "InternalServerErrorException", "Internal server error.");
            }
            else if (id.StartsWith("slow-", StringComparison.Ordinal))
            {
                // An endpoint that does not answer in time: the client's time-out decides.
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
                context.Response.StatusCode = 200;
            }
            else
            {
                context.Response.StatusCode = 200;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static async Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-amzn-ErrorType"] = type;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"message\":\"" + message.Replace("\"", "'", StringComparison.Ordinal) + "\"}");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

}
