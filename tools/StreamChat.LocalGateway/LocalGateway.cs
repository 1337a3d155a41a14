using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using StreamChat.LocalGateway.DynamoDb;
using StreamChat.LocalGateway.Gateway;
using StreamChat.LocalGateway.Lambda;
using StreamChat.LocalGateway.Template;

namespace StreamChat.LocalGateway;

/// <summary>How the local gateway runs (the command line's options).</summary>
internal sealed record LocalGatewayOptions
{
    /// <summary>Gets the SAM template to read routes, functions and tables from.</summary>
    public required string TemplatePath { get; init; }

    /// <summary>Gets the folder with the published function (bootstrap, or the handler's assembly); default: the template's CodeUri.</summary>
    public string? CodeDirectory { get; init; }

    /// <summary>Gets the loopback port of the WebSocket API and the Management API (0: any free port).</summary>
    public int Port { get; init; } = 3001;

    /// <summary>Gets the number of concurrent sandboxes per function (0: none; something else polls the Runtime API).</summary>
    public int Instances { get; init; } = 2;

    /// <summary>Gets the local DynamoDB's address (DynamoDB Local or dynalite), given to the sandboxes as AWS_ENDPOINT_URL_DYNAMODB; tables are provisioned there.</summary>
    public Uri? DynamoDbEndpoint { get; init; }

    /// <summary>Gets the region the functions run in and the Management API expects signatures for.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Gets the local stack name (prefix of table and function names).</summary>
    public string StackName { get; init; } = "streamchat-local";

    /// <summary>Gets the template parameter values that replace the defaults.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets environment variables set in every sandbox over the template's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets API Gateway's limits.</summary>
    public GatewayLimits Limits { get; init; } = GatewayLimits.ApiGateway;

    /// <summary>Gets a folder of static files served at <c>/</c> (the browser test page), or <see langword="null"/>.</summary>
    public string? StaticDirectory { get; init; }

    /// <summary>
    /// Gets an invocation time-out that replaces every function's <c>Timeout</c> from the template (a slow test machine),
    /// or <see langword="null"/> for the template's.
    /// </summary>
    public TimeSpan? FunctionTimeout { get; init; }
}

/// <summary>
/// The local stand-in for an API Gateway WebSocket API with its Lambda functions: the template read, the tables
/// provisioned, each function's Runtime API and sandboxes started, and the WebSocket and Management API served.
/// </summary>
internal sealed partial class LocalGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<LambdaFunction> _functions;
    private readonly List<FunctionSandboxes> _sandboxes;
    private readonly DynamoDbIamProxy? _iam;

    private LocalGateway(WebApplication app, List<LambdaFunction> functions, List<FunctionSandboxes> sandboxes, DynamoDbIamProxy? iam, SamTemplate template, Uri baseAddress, IReadOnlyDictionary<string, ImmutableCredentials> credentials, WebSocketGateway gateway)
    {
        _app = app;
        _functions = functions;
        _sandboxes = sandboxes;
        _iam = iam;
        Template = template;
        Credentials = credentials;
        Gateway = gateway;
        WebSocketUrl = new Uri($"ws://{baseAddress.Authority}/{template.StageName}");
        ManagementEndpoint = new Uri($"http://{baseAddress.Authority}/{template.StageName}");
        BaseAddress = baseAddress;
    }

    public SamTemplate Template { get; }

    /// <summary>Gets where clients connect: <c>ws://127.0.0.1:PORT/STAGE</c>.</summary>
    public Uri WebSocketUrl { get; }

    /// <summary>Gets the Management API's endpoint (<c>http://127.0.0.1:PORT/STAGE</c>; <c>/@connections/{id}</c> below it).</summary>
    public Uri ManagementEndpoint { get; }

    /// <summary>Gets the address static files are served from.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets each function's credentials (by logical id): its sandboxes sign with them, the Management API accepts them, and the DynamoDB IAM check knows the function by them.</summary>
    public IReadOnlyDictionary<string, ImmutableCredentials> Credentials { get; }

    /// <summary>Gets the number of DynamoDB requests refused because the template grants the function no such action.</summary>
    public long AccessDenied => _iam?.Denied ?? 0;

    public WebSocketGateway Gateway { get; }

    /// <summary>Gets the functions by logical id (their Runtime APIs).</summary>
    public IReadOnlyDictionary<string, LambdaFunction> Functions => _functions.ToDictionary(f => f.Function.LogicalId);

    public static async Task<LocalGateway> StartAsync(LocalGatewayOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        var logger = loggerFactory.CreateLogger("LocalGateway");
        var template = SamTemplate.Load(options.TemplatePath, options.StackName, options.Region, options.Parameters);

        // One set of credentials per function, as each has its own role on AWS.
        var credentials = template.Functions.Values.Select((f, i) => (f, new ImmutableCredentials($"AKIALOCAL{i:D4}{Math.Abs(f.LogicalId.GetHashCode(StringComparison.Ordinal)) % 10_000_000:D7}", Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)), null)))
            .ToDictionary(p => p.f.LogicalId, p => p.Item2, StringComparer.Ordinal);
        DynamoDbIamProxy? iam = null;
        if (options.DynamoDbEndpoint is { } dynamoEndpoint)
        {
            using var dynamo = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = dynamoEndpoint.ToString(), AuthenticationRegion = options.Region });
            await new TemplateTableProvisioner(dynamo, loggerFactory.CreateLogger<TemplateTableProvisioner>()).EnsureAsync(template.Tables, cancellationToken);
            iam = await DynamoDbIamProxy.StartAsync(
                dynamoEndpoint,
                template.Functions.Values.ToDictionary(f => credentials[f.LogicalId].AccessKey, f => f, StringComparer.Ordinal),
                options.Region,
                loggerFactory.CreateLogger("LocalGateway.Iam"));
        }

        // The front end first (its port goes into the sandboxes' environment), answering only once everything is up.
        var ready = new TaskCompletionSource<WebSocketGateway>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, baseAddress) = await LoopbackServer.StartAsync(
            options.Port,
            options.Limits.MaxMessageBytes + 1,
            async context => await (await ready.Task).HandleAsync(context),
            app =>
            {
                app.UseWebSockets();
                if (options.StaticDirectory is { } staticDirectory)
                {
                    var files = new PhysicalFileProvider(Path.GetFullPath(staticDirectory));
                    app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
                    app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
                }
            },
            cancellationToken);

        var functions = new List<LambdaFunction>();
        var sandboxes = new List<FunctionSandboxes>();
        try
        {
            var byLogicalId = new Dictionary<string, LambdaFunction>(StringComparer.Ordinal);
            foreach (var function in template.Routes.Values.DistinctBy(f => f.LogicalId))
            {
                var lambda = await LambdaFunction.StartAsync(options.FunctionTimeout is { } timeout ? function with { Timeout = timeout } : function, loggerFactory);
                functions.Add(lambda);
                byLogicalId[function.LogicalId] = lambda;
            }

            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // The function posts to this gateway's Management API instead of https://{domainName}/{stage}.
                ["StreamChatApiGateway__Endpoint"] = $"http://{baseAddress.Authority}/{template.StageName}",
            };
            if (iam is not null)
            {
                environment["AWS_ENDPOINT_URL_DYNAMODB"] = iam.Endpoint.ToString();
            }

            foreach (var (key, value) in options.Environment)
            {
                environment[key] = value;
            }

            var sandboxEnvironment = new SandboxEnvironment(options.Region, environment);
            foreach (var lambda in options.Instances > 0 ? functions : [])
            {
                var code = Path.GetFullPath(options.CodeDirectory ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.TemplatePath))!, lambda.Function.CodeUri));
                var pool = new FunctionSandboxes(lambda, code, sandboxEnvironment, credentials[lambda.Function.LogicalId], loggerFactory.CreateLogger("LocalGateway.Sandbox." + lambda.Function.LogicalId));
                sandboxes.Add(pool);
                pool.Start(options.Instances);
            }

            var gateway = new WebSocketGateway(
                template.Routes.ToDictionary(r => r.Key, r => byLogicalId[r.Value.LogicalId], StringComparer.Ordinal),
                template.RouteSelectionExpression,
                template.StageName,
                "local" + options.StackName.GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
                options.Limits,
                new SigV4Check(credentials.Values.ToArray(), options.Region),
                loggerFactory.CreateLogger("LocalGateway.WebSocketApi"));
            ready.SetResult(gateway);
            Log.Started(logger, $"ws://{baseAddress.Authority}/{template.StageName}", $"http://{baseAddress.Authority}/{template.StageName}");
            return new LocalGateway(app, functions, sandboxes, iam, template, baseAddress, credentials, gateway);
        }
        catch
        {
            foreach (var pool in sandboxes)
            {
                await pool.DisposeAsync();
            }

            foreach (var lambda in functions)
            {
                await lambda.DisposeAsync();
            }

            await app.DisposeAsync();
            if (iam is not null)
            {
                await iam.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        foreach (var pool in _sandboxes)
        {
            await pool.DisposeAsync();
        }

        foreach (var lambda in _functions)
        {
            await lambda.DisposeAsync();
        }

        await _app.DisposeAsync();
        if (_iam is not null)
        {
            await _iam.DisposeAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "WebSocket API at {Url}; Management API at {Endpoint}/@connections/{{id}}.")]
        public static partial void Started(ILogger logger, string url, string endpoint);
    }
}
