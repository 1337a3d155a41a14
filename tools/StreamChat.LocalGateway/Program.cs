// streamchat-local-gateway: the StreamChat Lambda host on a developer's machine, behind a stand-in for an API Gateway
// WebSocket API. See tools/StreamChat.LocalGateway/README.md.
using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamChat.LocalGateway;
using StreamChat.LocalGateway.Gateway;
using StreamChat.LocalGateway.Lambda;
using StreamChat.LocalGateway.Template;

if (args is [ManagedRuntime.Command, var codeDirectory, var handler])
{
    return await ManagedRuntime.RunAsync(codeDirectory, handler);
}

const string Usage = """
    usage: streamchat-local-gateway --template PATH --dynamodb-endpoint URL [options]
      --template PATH              the SAM template (routes, functions, tables)
      --dynamodb-endpoint URL      a local DynamoDB (DynamoDB Local or dynalite); the template's tables are created there
      --code DIR                   the published function (bootstrap, or the handler's assembly); default: the template's CodeUri
      --port N                     the loopback port of the WebSocket and Management APIs (default 3001; 0: any)
      --instances N                concurrent sandboxes per function (default 2)
      --region NAME                the region (default us-east-1)
      --stack-name NAME            prefix of table and function names (default streamchat-local)
      --parameter NAME=VALUE       a template parameter (repeatable)
      --env NAME=VALUE             an environment variable in every sandbox, over the template's (repeatable)
      --static DIR                 serve a folder at / (the browser test page)
      --idle-timeout SECONDS       close idle connections with 1001 (default 600)
      --max-connection-duration S  close connections this old with 1001 (default 7200)
      --function-timeout SECONDS   every function's invocation time-out instead of the template's
      --log-level LEVEL            Information (default), Debug, Warning
    """;

string? template = null, code = null, staticDirectory = null;
Uri? dynamo = null;
int port = 3001, instances = 2;
string region = "us-east-1", stackName = "streamchat-local";
var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
var environment = new Dictionary<string, string>(StringComparer.Ordinal);
var limits = GatewayLimits.ApiGateway;
TimeSpan? functionTimeout = null;
var level = LogLevel.Information;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        (string, string) Pair(string option)
        {
            var value = Next();
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            return eq > 0 ? (value[..eq], value[(eq + 1)..]) : throw new ArgumentException($"{option} takes NAME=VALUE, not '{value}'.");
        }

        switch (args[i])
        {
            case "--template": template = Next(); break;
            case "--code": code = Next(); break;
            case "--dynamodb-endpoint": dynamo = new Uri(Next()); break;
            case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--instances": instances = int.Parse(Next(), CultureInfo.InvariantCulture); break;
            case "--region": region = Next(); break;
            case "--stack-name": stackName = Next(); break;
            case "--parameter": var (pn, pv) = Pair("--parameter"); parameters[pn] = pv; break;
            case "--env": var (en, ev) = Pair("--env"); environment[en] = ev; break;
            case "--static": staticDirectory = Next(); break;
            case "--idle-timeout": limits = limits with { IdleTimeout = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) }; break;
            case "--max-connection-duration": limits = limits with { MaxConnectionDuration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) }; break;
            case "--function-timeout": functionTimeout = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
            case "--log-level": level = Enum.Parse<LogLevel>(Next(), ignoreCase: true); break;
            case "-h" or "--help": Console.WriteLine(Usage); return 0;
            default: throw new ArgumentException($"Unknown option {args[i]}.");
        }
    }

    if (template is null || dynamo is null)
    {
        throw new ArgumentException("--template and --dynamodb-endpoint are required.");
    }

    if (instances < 0 || port is < 0 or > 65535)
    {
        throw new ArgumentException("--instances must be 0 or more and --port a port number.");
    }

    if (functionTimeout is { } t && (t <= TimeSpan.Zero || t > TimeSpan.FromMinutes(15)))
    {
        throw new ArgumentException("--function-timeout must be more than 0 and at most 900 seconds, as on Lambda.");
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level));
using var stop = new CancellationTokenSource();
// Ctrl+C and SIGTERM stop the sandboxes with the gateway.
using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
try
{
    await using var gateway = await LocalGateway.StartAsync(
        new LocalGatewayOptions
        {
            TemplatePath = template,
            CodeDirectory = code,
            Port = port,
            Instances = instances,
            DynamoDbEndpoint = dynamo,
            Region = region,
            StackName = stackName,
            Parameters = parameters,
            Environment = environment,
            Limits = limits,
            StaticDirectory = staticDirectory,
            FunctionTimeout = functionTimeout,
        },
        loggerFactory,
        stop.Token);
    if (staticDirectory is not null)
    {
        Console.WriteLine($"Test page: {gateway.BaseAddress.ToString().TrimEnd('/')}/?server={gateway.WebSocketUrl}");
    }

    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    return 0;
}
catch (Exception e) when (e is TemplateException or InvalidOperationException or IOException)
{
    Console.Error.WriteLine("streamchat-local-gateway: " + e.Message);
    return 1;
}

void Stop(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
