using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;

namespace StreamChat.LocalGateway.Lambda;

/// <summary>
/// Plays the managed .NET runtime inside a sandbox process: loads the function's assembly from its publish folder
/// (with its own dependencies, isolated from the gateway's), constructs the handler's class once (init), then polls
/// the Runtime API and calls the handler method for each event, as the <c>dotnet10</c> runtime does for a
/// Stream-in/Stream-out handler given as <c>Assembly::Namespace.Type::Method</c>.
/// </summary>
internal static class ManagedRuntime
{
    /// <summary>The gateway's command line word that makes a process a sandbox of this kind.</summary>
    public const string Command = "managed-runtime";

    public static async Task<int> RunAsync(string codeDirectory, string handler)
    {
        var runtimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API")
            ?? throw new InvalidOperationException("AWS_LAMBDA_RUNTIME_API is not set.");
        using var http = new HttpClient { BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/runtime/"), Timeout = Timeout.InfiniteTimeSpan };

        object instance;
        MethodInfo method;
        try
        {
            var parts = handler.Split("::");
            if (parts.Length != 3)
            {
                throw new InvalidOperationException($"The handler '{handler}' is not of the form Assembly::Namespace.Type::Method.");
            }

            var mainAssembly = Path.Combine(codeDirectory, parts[0] + ".dll");
            var context = new FunctionLoadContext(mainAssembly);
            var assembly = context.LoadFromAssemblyPath(mainAssembly);
            var type = assembly.GetType(parts[1], throwOnError: true)!;
            method = type.GetMethod(parts[2], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static, [typeof(Stream)])
                ?? throw new InvalidOperationException($"{parts[1]} has no public method {parts[2]}(Stream).");
            instance = method.IsStatic ? null! : Activator.CreateInstance(type)!;
        }
        catch (Exception e)
        {
            var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            await http.PostAsync("init/error", Json(error));
            Console.Error.WriteLine("Init failed: " + error);
            return 1;
        }

        while (true)
        {
            using var next = await http.GetAsync("invocation/next", HttpCompletionOption.ResponseHeadersRead);
            next.EnsureSuccessStatusCode();
            var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").First();
            if (next.Headers.TryGetValues("Lambda-Runtime-Trace-Id", out var trace))
            {
                Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", trace.First());
            }

            var input = new MemoryStream(await next.Content.ReadAsByteArrayAsync());
            try
            {
                var output = await InvokeAsync(method, instance, input);
                using var content = new StreamContent(output ?? new MemoryStream());
                (await http.PostAsync($"invocation/{requestId}/response", content)).Dispose();
            }
            catch (Exception e)
            {
                var error = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                Console.Error.WriteLine($"Invocation {requestId} failed: {error}");
                (await http.PostAsync($"invocation/{requestId}/error", Json(error))).Dispose();
            }
        }
    }

    private static async Task<Stream?> InvokeAsync(MethodInfo method, object instance, Stream input)
    {
        var result = method.Invoke(instance, [input]);
        switch (result)
        {
            case Task<Stream> stream:
                return await stream;
            case Task task:
                await task;
                return null;
            default:
                return result as Stream;
        }
    }

    private static StringContent Json(Exception error) => new(
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["errorMessage"] = error.Message,
            ["errorType"] = error.GetType().Name,
            ["stackTrace"] = (error.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        }),
        Encoding.UTF8,
        "application/json");

    /// <summary>The function's own dependencies, from its .deps.json, apart from the gateway's.</summary>
    private sealed class FunctionLoadContext(string mainAssembly) : AssemblyLoadContext("lambda-function")
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
