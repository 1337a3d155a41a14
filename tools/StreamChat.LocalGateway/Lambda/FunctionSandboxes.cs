using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace StreamChat.LocalGateway.Lambda;

/// <summary>What every sandbox of the gateway gets besides the template's variables.</summary>
/// <param name="Region">The region (<c>AWS_REGION</c>).</param>
/// <param name="Overrides">Variables set last, over the template's (<c>--env</c>).</param>
internal sealed record SandboxEnvironment(string Region, IReadOnlyDictionary<string, string> Overrides);

/// <summary>
/// The sandboxes of one function: separate processes, each running the published build unchanged against the
/// function's Runtime API. For a custom runtime (the template's <c>Runtime</c> is <c>provided.*</c>, e.g. the Native
/// AOT build) the folder's <c>bootstrap</c> is started; for a managed one (<c>dotnet*</c>) the runtime is played by
/// <see cref="ManagedRuntime"/>, which loads the assembly named by the handler string. A sandbox that exits is
/// replaced, as Lambda would start a new one, unless it failed during init three times in a row.
/// </summary>
internal sealed partial class FunctionSandboxes : IAsyncDisposable
{
    private readonly LambdaFunction _function;
    private readonly string _codeDirectory;
    private readonly SandboxEnvironment _environment;
    private readonly Amazon.Runtime.ImmutableCredentials _credentials;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _sandboxes = [];
    private readonly List<Process> _processes = [];
    private readonly Lock _gate = new();

    /// <param name="function">The function.</param>
    /// <param name="codeDirectory">Its published build.</param>
    /// <param name="environment">What every sandbox gets.</param>
    /// <param name="credentials">The function's own credentials (its role): the Management API and the DynamoDB IAM check know it by them.</param>
    /// <param name="logger">Where sandbox output and restarts go.</param>
    public FunctionSandboxes(LambdaFunction function, string codeDirectory, SandboxEnvironment environment, Amazon.Runtime.ImmutableCredentials credentials, ILogger logger)
    {
        _function = function;
        _codeDirectory = codeDirectory;
        _environment = environment;
        _credentials = credentials;
        _logger = logger;
        var runtime = function.Function.Runtime;
        if (IsCustomRuntime)
        {
            if (!File.Exists(Path.Combine(codeDirectory, "bootstrap")))
            {
                throw new InvalidOperationException(
                    $"{function.Function.LogicalId} runs on {runtime}, but {codeDirectory} holds no bootstrap. Publish the Native AOT build there (-p:PublishAot=true), or run the managed build with --parameter FunctionRuntime=dotnet10.");
            }
        }
        else if (runtime.StartsWith("dotnet", StringComparison.Ordinal))
        {
            var assembly = function.Function.Handler?.Split("::")[0];
            if (assembly is null || !File.Exists(Path.Combine(codeDirectory, assembly + ".dll")))
            {
                throw new InvalidOperationException(
                    $"{function.Function.LogicalId} runs on {runtime} with handler '{function.Function.Handler}', but {codeDirectory} holds no {assembly}.dll. Publish the managed build there, or run the Native AOT build with its runtime (provided.al2023).");
            }
        }
        else
        {
            throw new InvalidOperationException($"{function.Function.LogicalId}: the local gateway runs dotnet* and provided.* runtimes, not {runtime}.");
        }
    }

    /// <summary>Gets a value indicating whether the function runs on a custom runtime (<c>provided.*</c>), whose <c>bootstrap</c> is started.</summary>
    public bool IsCustomRuntime => _function.Function.Runtime.StartsWith("provided", StringComparison.Ordinal);

    /// <summary>Starts <paramref name="count"/> sandboxes.</summary>
    public void Start(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var number = i;
            _sandboxes.Add(Task.Run(() => KeepRunningAsync(number)));
        }
    }

    private async Task KeepRunningAsync(int number)
    {
        var failuresInARow = 0;
        while (!_stopping.IsCancellationRequested)
        {
            var initErrorsBefore = _function.InitErrors;
            var started = Stopwatch.StartNew();
            using var process = Process.Start(StartInfo(number)) ?? throw new InvalidOperationException("Could not start a sandbox.");
            lock (_gate)
            {
                _processes.Add(process);
            }

            var name = $"{_function.Function.LogicalId}#{number}";
            Log.Started(_logger, name, process.Id, IsCustomRuntime ? "custom runtime (bootstrap)" : "managed runtime (" + _function.Function.Handler + ")");
            var output = ForwardAsync(process.StandardOutput, name);
            var errors = ForwardAsync(process.StandardError, name);
            try
            {
                await process.WaitForExitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                lock (_gate)
                {
                    _processes.Remove(process);
                }
            }

            await Task.WhenAll(output, errors);
            Log.Exited(_logger, name, process.ExitCode, started.Elapsed.TotalSeconds);
            failuresInARow = _function.InitErrors > initErrorsBefore || started.Elapsed < TimeSpan.FromSeconds(2) ? failuresInARow + 1 : 0;
            if (failuresInARow >= 3)
            {
                Log.GaveUp(_logger, name);
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * failuresInARow), CancellationToken.None);
        }
    }

    private ProcessStartInfo StartInfo(int number)
    {
        var function = _function.Function;
        ProcessStartInfo start;
        if (IsCustomRuntime)
        {
            start = new ProcessStartInfo(Path.Combine(_codeDirectory, "bootstrap"));
        }
        else
        {
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add(typeof(FunctionSandboxes).Assembly.Location);
            start.ArgumentList.Add(ManagedRuntime.Command);
            start.ArgumentList.Add(_codeDirectory);
            start.ArgumentList.Add(function.Handler!);
        }

        start.WorkingDirectory = _codeDirectory;
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;

        // A sandbox sees Lambda's variables and the template's, not the developer's shell (only what runs dotnet).
        var env = start.Environment;
        var keep = env.Where(e => e.Key is "PATH" or "HOME" or "TMPDIR" or "LANG" || e.Key.StartsWith("DOTNET_", StringComparison.Ordinal)).ToList();
        env.Clear();
        foreach (var (key, value) in keep)
        {
            env[key] = value;
        }

        env["AWS_LAMBDA_RUNTIME_API"] = _function.RuntimeApiAddress;
        env["AWS_LAMBDA_FUNCTION_NAME"] = function.FunctionName;
        env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = function.MemorySize.ToString(CultureInfo.InvariantCulture);
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = $"local/{number}";
        env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + function.Runtime;
        env["AWS_REGION"] = _environment.Region;
        env["AWS_DEFAULT_REGION"] = _environment.Region;
        env["AWS_ACCESS_KEY_ID"] = _credentials.AccessKey;
        env["AWS_SECRET_ACCESS_KEY"] = _credentials.SecretKey;
        env["LAMBDA_TASK_ROOT"] = _codeDirectory;
        env["_HANDLER"] = function.Handler ?? "bootstrap";
        env["TZ"] = ":UTC";
        foreach (var (key, value) in function.Environment)
        {
            env[key] = value;
        }

        foreach (var (key, value) in _environment.Overrides)
        {
            env[key] = value;
        }

        return start;
    }

    private async Task ForwardAsync(StreamReader reader, string name)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            Log.Output(_logger, name, line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        lock (_gate)
        {
            foreach (var process in _processes)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // already gone
                }
            }
        }

        await Task.WhenAll(_sandboxes);
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Sandbox}: started, pid {Pid}, {Runtime}.")]
        public static partial void Started(ILogger logger, string sandbox, int pid, string runtime);

        [LoggerMessage(2, LogLevel.Warning, "{Sandbox}: exited with code {ExitCode} after {Seconds:F1} s.")]
        public static partial void Exited(ILogger logger, string sandbox, int exitCode, double seconds);

        [LoggerMessage(3, LogLevel.Error, "{Sandbox}: failed three times in a row; not restarted. Its invocations will time out.")]
        public static partial void GaveUp(ILogger logger, string sandbox);

        [LoggerMessage(4, LogLevel.Information, "{Sandbox}| {Line}")]
        public static partial void Output(ILogger logger, string sandbox, string line);
    }
}
