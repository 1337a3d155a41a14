// Measures the Lambda host's cold start the way the managed runtime sees it: a fresh process loads the published
// sample (samples/StreamChat.Samples.Lambda) by its handler string, constructs Function once (init) and answers
// events. "Cold start" is process start to the first answered event; the stores are on dynalite and the Management
// API and Comprehend are local stand-ins, so the figure is our start-up, not AWS's network.
//
//   dotnet publish samples/StreamChat.Samples.Lambda -c Release -r linux-x64 --self-contained false -o artifacts/lambda-publish
//   STREAMCHAT_DYNAMODB_URL=http://127.0.0.1:4567 dotnet run -c Release --project benchmarks/StreamChat.LambdaColdStart -- artifacts/lambda-publish [runs]
//
// The Native AOT build runs as a custom runtime (provided.al2023): give the tool the folder holding "bootstrap" and it
// starts that executable against a local Lambda Runtime API instead (init is then process start to its first poll):
//   dotnet publish samples/StreamChat.Samples.Lambda -c Release -r linux-x64 -p:PublishAot=true -o artifacts/lambda-aot
//   STREAMCHAT_DYNAMODB_URL=... dotnet run -c Release --project benchmarks/StreamChat.LambdaColdStart -- artifacts/lambda-aot [runs]
//
// Each run provisions its own tables and each process connects its own viewer; every message must reach the stream
// (the tool fails on a refusal or a block, which would cost less than a delivered message). Settings for the sample
// pass through the environment, e.g. StreamChatEmbedding__Enabled=false for a build published with
// -p:EmbeddingHostility=true (the model runs unless that is false).
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamChat.Aws.DynamoDb;

if (args.Length >= 1 && args[0] == "--host")
{
    return await LambdaLikeHost.RunAsync(args[1], args[2]);
}

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: StreamChat.LambdaColdStart PUBLISH_DIR [RUNS]   (needs STREAMCHAT_DYNAMODB_URL)");
    return 2;
}

const int WarmMessages = 50;
var publishDir = Path.GetFullPath(args[0]);
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var dynamo = Environment.GetEnvironmentVariable("STREAMCHAT_DYNAMODB_URL")
    ?? throw new InvalidOperationException("Set STREAMCHAT_DYNAMODB_URL to a dynalite or DynamoDB Local endpoint.");

await using var standIns = await StandIns.StartAsync();
var suffix = Guid.NewGuid().ToString("N")[..8];
var tables = new Dictionary<string, string>
{
    ["StreamChatDynamoDb__ConnectionsTableName"] = "coldstart-connections-" + suffix,
    ["StreamChatDynamoDb__MessagesTableName"] = "coldstart-messages-" + suffix,
    ["StreamChatDynamoDb__AuditTableName"] = "coldstart-audit-" + suffix,
    ["StreamChatDynamoDb__SanctionsTableName"] = "coldstart-sanctions-" + suffix,
    ["StreamChatDynamoDb__RateLimitsTableName"] = "coldstart-ratelimits-" + suffix,
};
await ProvisionAsync(dynamo, tables);

var results = new List<(double ColdMs, double InitMs, double FirstMessageMs, double WarmP50Ms, long PeakRssKb)>();
for (var run = 0; run < runs; run++)
{
    results.Add(File.Exists(Path.Combine(publishDir, "bootstrap"))
        ? await MeasureBootstrapOnceAsync(publishDir, dynamo, standIns, tables)
        : await MeasureOnceAsync(publishDir, dynamo, standIns, tables));
    standIns.EnsureDelivered(WarmMessages + 1);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

Console.WriteLine($"Lambda host cold start over {runs} fresh processes, {(File.Exists(Path.Combine(publishDir, "bootstrap")) ? "custom runtime (bootstrap, Runtime API)" : "managed runtime (handler string)")} (median; min-max):");
Console.WriteLine($"  process start -> first answered event ($connect): {Median(results.Select(r => r.ColdMs)):F0} ms ({results.Min(r => r.ColdMs):F0}-{results.Max(r => r.ColdMs):F0})");
Console.WriteLine($"  of which init (handler built, options validated; for bootstrap: until its first poll): {Median(results.Select(r => r.InitMs)):F0} ms");
Console.WriteLine($"  first chat message after connect (moderation, Comprehend, PutItem, fan-out): {Median(results.Select(r => r.FirstMessageMs)):F1} ms");
Console.WriteLine($"  warm message, median of 50: {Median(results.Select(r => r.WarmP50Ms)):F2} ms");
Console.WriteLine($"  peak RSS of the process: {Median(results.Select(r => (double)r.PeakRssKb)) / 1024:F0} MB");
return 0;

static void SetEnvironment(ProcessStartInfo start, string dynamo, StandIns standIns, Dictionary<string, string> tables)
{
    var env = start.Environment;
    env["AWS_REGION"] = "eu-west-2";
    env["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
    env["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    env["AWS_ENDPOINT_URL_DYNAMODB"] = dynamo;
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "1024";
    env["StreamChat__AllowDevelopmentIdentity"] = "true";
    env["StreamChatApiGateway__Endpoint"] = standIns.ManagementEndpoint;
    env["StreamChatComprehend__Endpoint"] = standIns.ComprehendEndpoint;
    env["Logging__LogLevel__Default"] = "Warning";

    // 51 messages in about a second from one viewer: the limiter still runs (its UpdateItem is part of a message's
    // cost) but must not refuse them, or the figures would be those of refusals (20 per 30 s by default).
    env["StreamChat__RateLimits__Viewer__PermitLimit"] = "1000";
    foreach (var (key, value) in tables)
    {
        env[key] = value;
    }
}

// The same script for both runtimes: $connect (the cold start ends with its answer), a first message, 50 warm ones, $disconnect.
static async Task<(double ColdMs, double FirstMessageMs, double WarmP50Ms)> ScriptAsync(Stopwatch stopwatch, Func<string, Task<JsonElement>> invoke)
{
    async Task<double> TimedAsync(string evt)
    {
        var before = stopwatch.Elapsed.TotalMilliseconds;
        var response = await invoke(evt);
        if (response.GetProperty("statusCode").GetInt32() != 200)
        {
            throw new InvalidOperationException("The event was refused: " + response);
        }

        return stopwatch.Elapsed.TotalMilliseconds - before;
    }

    var connection = "c" + Guid.NewGuid().ToString("N")[..15] + "=";
    await TimedAsync(Events.Connect(connection, "live-1", "ana-" + connection[1..9]));
    var coldMs = stopwatch.Elapsed.TotalMilliseconds;
    var firstMessage = await TimedAsync(Events.Message(connection, """{"action":"message","message":"first message of the night"}"""));
    var warm = new List<double>();
    for (var i = 0; i < WarmMessages; i++)
    {
        warm.Add(await TimedAsync(Events.Message(connection, $$"""{"action":"message","message":"warm message {{i}}"}""")));
    }

    await TimedAsync(Events.Disconnect(connection));
    warm.Sort();
    return (coldMs, firstMessage, warm[warm.Count / 2]);
}

// Managed runtime: a fresh process loads the assembly by its handler string and constructs Function (LambdaLikeHost).
static async Task<(double, double, double, double, long)> MeasureOnceAsync(string publishDir, string dynamo, StandIns standIns, Dictionary<string, string> tables)
{
    var start = new ProcessStartInfo("dotnet", [Assembly.GetEntryAssembly()!.Location, "--host", publishDir, "StreamChat.Samples.Lambda::StreamChat.Samples.Lambda.Function::HandleAsync"])
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    SetEnvironment(start, dynamo, standIns, tables);

    var stopwatch = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    var stderr = process.StandardError.ReadToEndAsync();
    double initMs = 0;
    long rss = 0;
    var (coldMs, firstMessage, warm) = await ScriptAsync(stopwatch, async evt =>
    {
        await process.StandardInput.WriteLineAsync(evt);
        await process.StandardInput.FlushAsync();
        var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The host exited: " + await stderr);
        using var doc = JsonDocument.Parse(line);
        initMs = Math.Max(initMs, doc.RootElement.GetProperty("initMs").GetDouble());
        rss = doc.RootElement.GetProperty("peakRssKb").GetInt64();
        return doc.RootElement.GetProperty("response").Clone();
    });
    process.StandardInput.Close();
    await process.WaitForExitAsync();
    return (coldMs, initMs, firstMessage, warm, rss);
}

// Custom runtime (the Native AOT build): the bootstrap executable polls a local Lambda Runtime API.
static async Task<(double, double, double, double, long)> MeasureBootstrapOnceAsync(string publishDir, string dynamo, StandIns standIns, Dictionary<string, string> tables)
{
    var start = new ProcessStartInfo(Path.Combine(publishDir, "bootstrap"))
    {
        WorkingDirectory = publishDir,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    SetEnvironment(start, dynamo, standIns, tables);
    start.Environment[StreamChat.Aws.Lambda.StreamChatLambdaRuntime.RuntimeApiVariable] = standIns.RuntimeApi.Address;
    standIns.RuntimeApi.Reset();

    var stopwatch = Stopwatch.StartNew();
    var started = Stopwatch.GetTimestamp();
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    var exited = process.WaitForExitAsync();
    var (coldMs, firstMessage, warm) = await ScriptAsync(stopwatch, async evt =>
    {
        var answered = standIns.RuntimeApi.Enqueue(evt);
        if (await Task.WhenAny(answered, exited) != answered)
        {
            throw new InvalidOperationException("bootstrap exited: " + await stdout + await stderr);
        }

        using var doc = JsonDocument.Parse(await answered);
        return doc.RootElement.Clone();
    });

    // Init, as the Runtime API sees it: process start to the first poll for an event.
    var initMs = Stopwatch.GetElapsedTime(started, standIns.RuntimeApi.FirstPollTimestamp).TotalMilliseconds;
    var rss = ProcStatus.PeakRssKb(process.Id);
    process.Kill();
    await process.WaitForExitAsync();
    return (coldMs, initMs, firstMessage, warm, rss);
}

static async Task ProvisionAsync(string dynamo, Dictionary<string, string> tables)
{
    var services = new ServiceCollection();
    services.AddLogging();
    services.AddSingleton<IAmazonDynamoDB>(new AmazonDynamoDBClient(new BasicAWSCredentials("x", "y"), new AmazonDynamoDBConfig { ServiceURL = dynamo, AuthenticationRegion = "eu-west-2" }));
    services.AddStreamChatCore().AddDynamoDbStores(o =>
    {
        o.ConnectionsTableName = tables["StreamChatDynamoDb__ConnectionsTableName"];
        o.MessagesTableName = tables["StreamChatDynamoDb__MessagesTableName"];
        o.AuditTableName = tables["StreamChatDynamoDb__AuditTableName"];
        o.SanctionsTableName = tables["StreamChatDynamoDb__SanctionsTableName"];
        o.RateLimitsTableName = tables["StreamChatDynamoDb__RateLimitsTableName"];
    }).AddDynamoDbAuditTrail();
    await using var provider = services.BuildServiceProvider();
    await provider.GetRequiredService<IDynamoDbTableProvisioner>().EnsureTablesAsync();
}

/// <summary>What the managed runtime does with a Stream-in/Stream-out handler, minus the Runtime API: load, construct once, invoke.</summary>
internal static class LambdaLikeHost
{
    public static async Task<int> RunAsync(string publishDir, string handler)
    {
        var parts = handler.Split("::");
        var context = new PublishedAssemblyContext(Path.Combine(publishDir, parts[0] + ".dll"));
        var assembly = context.LoadFromAssemblyPath(Path.Combine(publishDir, parts[0] + ".dll"));
        var type = assembly.GetType(parts[1], throwOnError: true)!;
        var method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance)!;
        var init = Stopwatch.StartNew();
        var instance = Activator.CreateInstance(type)!;
        var initMs = init.Elapsed.TotalMilliseconds;
        var first = true;
        string? line;
        while ((line = await Console.In.ReadLineAsync()) is not null)
        {
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(line));
            var output = await (Task<Stream>)method.Invoke(instance, [input])!;
            using var reader = new StreamReader(output);
            var response = await reader.ReadToEndAsync();
            var rss = ProcStatus.PeakRssKb(Environment.ProcessId);
            Console.Out.WriteLine($$"""{"response":{{response}},"initMs":{{(first ? initMs : 0).ToString(CultureInfo.InvariantCulture)}},"peakRssKb":{{rss}}}""");
            Console.Out.Flush();
            first = false;
        }

        (instance as IDisposable)?.Dispose();
        return 0;
    }

    private sealed class PublishedAssemblyContext(string mainAssembly) : AssemblyLoadContext("lambda-function")
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }
}

/// <summary>The peak resident memory (VmHWM) of a process, from /proc.</summary>
internal static class ProcStatus
{
    public static long PeakRssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

internal static class Events
{
    private static string Context(string connectionId, string routeKey, string eventType)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return "{\"routeKey\":\"" + routeKey + "\",\"eventType\":\"" + eventType + "\",\"connectionId\":\"" + connectionId
            + "\",\"stage\":\"prod\",\"domainName\":\"abc123defg.execute-api.eu-west-2.amazonaws.com\",\"apiId\":\"abc123defg\",\"connectedAt\":" + now
            + ",\"requestTimeEpoch\":" + now + ",\"messageDirection\":\"IN\",\"identity\":{\"sourceIp\":\"203.0.113.7\"}}";
    }

    public static string Connect(string id, string stream, string user) =>
        $$"""{"headers":{"Host":"abc123defg.execute-api.eu-west-2.amazonaws.com","Sec-WebSocket-Version":"13"},"queryStringParameters":{"streamId":"{{stream}}","userId":"{{user}}","username":"{{user}}"},"multiValueQueryStringParameters":{"streamId":["{{stream}}"],"userId":["{{user}}"],"username":["{{user}}"]},"requestContext":{{Context(id, "$connect", "CONNECT")}},"isBase64Encoded":false}""";

    public static string Message(string id, string body) =>
        $$"""{"requestContext":{{Context(id, "message", "MESSAGE")}},"body":{{JsonSerializer.Serialize(body)}},"isBase64Encoded":false}""";

    public static string Disconnect(string id) =>
        $$"""{"headers":{"Host":"abc123defg.execute-api.eu-west-2.amazonaws.com"},"requestContext":{{Context(id, "$disconnect", "DISCONNECT")}},"isBase64Encoded":false}""";
}

/// <summary>Minimal Management API and Comprehend endpoints: 200 for every post, a neutral verdict for every text.</summary>
internal sealed class StandIns : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly int[] _delivered;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _refusals;

    private StandIns(WebApplication app, string baseUrl, RuntimeApi runtimeApi, int[] delivered, System.Collections.Concurrent.ConcurrentQueue<string> refusals)
    {
        _app = app;
        _delivered = delivered;
        _refusals = refusals;
        RuntimeApi = runtimeApi;
        ManagementEndpoint = baseUrl + "/prod";
        ComprehendEndpoint = baseUrl + "/comprehend/";
    }

    public string ManagementEndpoint { get; }

    public string ComprehendEndpoint { get; }

    public RuntimeApi RuntimeApi { get; }

    /// <summary>
    /// Throws unless every message of the last run reached the stream: a refused or blocked message costs less than a
    /// delivered one, and a run that measured refusals would understate a message's cost. Then starts counting anew.
    /// </summary>
    public void EnsureDelivered(int messages)
    {
        var delivered = Interlocked.Exchange(ref _delivered[0], 0);
        if (_refusals.TryPeek(out var refusal))
        {
            throw new InvalidOperationException($"The sample refused or blocked {_refusals.Count} of the benchmark's messages, e.g. {refusal}");
        }

        if (delivered < messages)
        {
            throw new InvalidOperationException($"Only {delivered} of {messages} messages reached the stream.");
        }
    }

    public static async Task<StandIns> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var runtimeApi = new RuntimeApi();
        var delivered = new int[1];
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        app.Run(async context =>
        {
            if (context.Request.Path.StartsWithSegments("/2018-06-01/runtime", StringComparison.Ordinal))
            {
                await runtimeApi.HandleAsync(context);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/comprehend", StringComparison.Ordinal))
            {
                var target = context.Request.Headers["X-Amz-Target"].ToString();
                context.Response.ContentType = "application/x-amz-json-1.1";
                await context.Response.WriteAsync(target switch
                {
                    "Comprehend_20171127.DetectSentiment" => """{"Sentiment":"NEUTRAL","SentimentScore":{"Positive":0.1,"Negative":0.01,"Neutral":0.88,"Mixed":0.01}}""",
                    "Comprehend_20171127.DetectPiiEntities" => """{"Entities":[]}""",
                    _ => """{"ResultList":[{"Labels":[],"Toxicity":0.01}]}""",
                });
                return;
            }

            // A post to a connection: the sample's answer to the benchmark's viewer (the only one in the stream).
            using (var reader = new StreamReader(context.Request.Body))
            {
                var body = await reader.ReadToEndAsync();
                if (body.Contains("\"type\":\"message\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref delivered[0]);
                }
                else if (body.Contains("\"type\":\"error\"", StringComparison.Ordinal) || body.Contains("\"type\":\"message_blocked\"", StringComparison.Ordinal))
                {
                    refusals.Enqueue(body);
                }
            }

            context.Response.StatusCode = 200;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        runtimeApi.Address = new Uri(address).Authority;
        return new StandIns(app, address, runtimeApi, delivered, refusals);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A minimal Lambda Runtime API: hands out queued events on GET invocation/next and collects the responses.</summary>
internal sealed class RuntimeApi
{
    // A new queue per run: a poll left pending by the previous (killed) process must not take the next run's events.
    private System.Threading.Channels.Channel<(string Id, string Body)> _events = System.Threading.Channels.Channel.CreateUnbounded<(string, string)>();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<string>> _answers = new();
    private long _firstPoll;

    public string Address { get; set; } = string.Empty;

    public long FirstPollTimestamp => Interlocked.Read(ref _firstPoll);

    public void Reset()
    {
        Interlocked.Exchange(ref _firstPoll, 0);
        Volatile.Write(ref _events, System.Threading.Channels.Channel.CreateUnbounded<(string, string)>());
    }

    public Task<string> Enqueue(string body)
    {
        var id = Guid.NewGuid().ToString();
        var answer = _answers[id] = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Read(ref _events).Writer.TryWrite((id, body));
        return answer.Task;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        if (path.EndsWith("/invocation/next", StringComparison.Ordinal))
        {
            Interlocked.CompareExchange(ref _firstPoll, Stopwatch.GetTimestamp(), 0);
            var (id, body) = await Volatile.Read(ref _events).Reader.ReadAsync(context.RequestAborted);
            context.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = id;
            context.Response.Headers["Lambda-Runtime-Deadline-Ms"] = DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsync(body);
            return;
        }

        var parts = path.Split('/');
        var posted = await new StreamReader(context.Request.Body).ReadToEndAsync();
        if (parts.Length >= 2 && _answers.TryRemove(parts[^2], out var answer))
        {
            if (parts[^1] == "response")
            {
                answer.TrySetResult(posted);
            }
            else
            {
                answer.TrySetException(new InvalidOperationException("The function reported an error: " + posted));
            }
        }

        context.Response.StatusCode = 202;
    }
}
