using System.Diagnostics;

namespace StreamChat.LocalGateway.Tests.Infrastructure;

/// <summary>
/// The Lambda sample as it is deployed: the managed build (ReadyToRun, framework-dependent, linux-x64) and the Native
/// AOT <c>bootstrap</c>. ./test.sh publishes both and passes their folders in STREAMCHAT_LAMBDA_MANAGED and
/// STREAMCHAT_LAMBDA_AOT; without them (a test run by hand) the first test that needs one publishes it into artifacts/.
/// </summary>
internal static class PublishedLambda
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static string RepositoryRoot { get; } = FindRoot();

    public static string Template => Path.Combine(AppContext.BaseDirectory, "Samples", "template.yaml");

    /// <summary>The managed build, published with <c>-p:EmbeddingHostility=true</c>: it carries StreamChat.Moderation.Onnx, which template.yaml switches off unless its <c>EmbeddingHostility</c> parameter (<c>StreamChatEmbedding__Enabled</c>) is true.</summary>
    public static Task<string> ManagedAsync() => GetAsync("STREAMCHAT_LAMBDA_MANAGED", "lambda-managed", "StreamChat.Moderation.Onnx.dll", ["--self-contained", "false", "-p:EmbeddingHostility=true"]);

    public static Task<string> AotAsync() => GetAsync("STREAMCHAT_LAMBDA_AOT", "lambda-aot", "bootstrap", ["-p:PublishAot=true"]);

    private static async Task<string> GetAsync(string variable, string folder, string marker, string[] extra)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } given)
        {
            return File.Exists(Path.Combine(given, marker))
                ? given
                : throw new InvalidOperationException($"{variable}={given} holds no {marker}.");
        }

        var output = Path.Combine(RepositoryRoot, "artifacts", "test-" + folder);
        await Gate.WaitAsync();
        try
        {
            if (!File.Exists(Path.Combine(output, marker)))
            {
                var start = new ProcessStartInfo("dotnet")
                {
                    WorkingDirectory = RepositoryRoot,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                };
                foreach (var arg in new[] { "publish", "samples/StreamChat.Samples.Lambda", "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo" }.Concat(extra))
                {
                    start.ArgumentList.Add(arg);
                }

                using var process = Process.Start(start)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"Publishing the Lambda sample failed: {await stdout}{await stderr}");
                }
            }

            return output;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StreamChat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StreamChat.sln not found above " + AppContext.BaseDirectory);
    }
}
