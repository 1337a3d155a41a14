using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using StreamChat.Testing;

namespace StreamChat.EndToEnd.Tests;

/// <summary>
/// The packed packages install: a project outside the solution restores StreamChat.AspNetCore from the
/// local package folder (no project references), builds, starts, and answers a chat round trip.
/// </summary>
public sealed class PackageConsumerTests
{
    private static readonly string RepoRoot = FindRepoRoot();
    private static readonly string PackagesDir = Environment.GetEnvironmentVariable("STREAMCHAT_PACKAGES") ?? Path.Combine(RepoRoot, "artifacts", "packages");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StreamChat.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Could not find StreamChat.sln above " + AppContext.BaseDirectory);
    }

    private static string PackagePath(string id)
    {
        var file = Directory.Exists(PackagesDir)
            ? Directory.GetFiles(PackagesDir, id + ".*.nupkg").Where(f => !f.EndsWith(".snupkg", StringComparison.Ordinal)).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return file ?? throw new InvalidOperationException(
            $"No {id} package in {PackagesDir}. The test command packs them first: run ./test.sh, or 'dotnet pack StreamChat.sln -c Release -o artifacts/packages'.");
    }

    private static string VersionOf(string nupkg, string id) => Path.GetFileNameWithoutExtension(nupkg)[(id.Length + 1)..];

    [Theory]
    [InlineData("StreamChat.Core")]
    [InlineData("StreamChat.AspNetCore")]
    [InlineData("StreamChat.Aws")]
    [InlineData("StreamChat.Redis")]
    public void Package_HasFullMetadata_ReadmeDocsAndSymbols(string id)
    {
        var nupkg = PackagePath(id);
        using var zip = ZipFile.OpenRead(nupkg);
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Get(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement? Element(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name);

        Assert.Equal(id, Get("id"));
        Assert.False(string.IsNullOrWhiteSpace(Get("description")));
        Assert.Contains("chat", Get("tags"), StringComparison.Ordinal);
        Assert.Equal("MIT", Get("license"));
        Assert.Equal("expression", Element("license")!.Attribute("type")!.Value);
        Assert.Equal("README.md", Get("readme"));
        var repository = Element("repository")!;
        Assert.Equal("git", repository.Attribute("type")!.Value);
        Assert.StartsWith("https://", repository.Attribute("url")!.Value, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")!.Value);
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        foreach (var tfm in new[] { "net8.0", "net10.0" })
        {
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/{tfm}/{id}.dll");
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/{tfm}/{id}.xml");
        }

        Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), "The symbols package is missing.");
    }

    [Fact]
    public async Task Consumer_RestoresFromThePackageFolder_BuildsStartsAndChats()
    {
        using var consumer = ConsumerProject.Create();

        await consumer.RunDotnetAsync("build", "-c", "Release");

        var assets = await File.ReadAllTextAsync(Path.Combine(consumer.Directory, "obj", "project.assets.json"));
        Assert.Contains($"\"StreamChat.AspNetCore/{consumer.Version}\"", assets, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"package\"", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\": \"project\"", assets, StringComparison.Ordinal);
        var dll = Path.Combine(consumer.Directory, "bin", "Release", "net10.0", "PackageConsumer.dll");
        await RoundTripAsync(consumer.Directory, "dotnet", dll);
    }

    [Fact]
    public async Task Consumer_PublishedAsNativeAot_HasNoTrimOrAotWarnings_AndChats()
    {
        using var consumer = ConsumerProject.Create();

        var output = await consumer.RunDotnetAsync("publish", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", "aot");

        var warnings = output.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"warning IL[23]\d{3}")).Distinct().ToList();
        Assert.True(warnings.Count == 0, "Trim/AOT warnings:\n" + string.Join('\n', warnings));
        await RoundTripAsync(consumer.Directory, Path.Combine(consumer.Directory, "aot", "PackageConsumer"));
    }

    private static async Task RoundTripAsync(string workingDirectory, string fileName, params string[] args)
    {
        var port = FreePort();
        using var app = StartProcess(workingDirectory, fileName, [.. args, "--urls", $"http://127.0.0.1:{port}"]);
        var output = new StringBuilder();
        app.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        app.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            await WaitForPortAsync(port, app, output);
            await using var alice = await ChatTestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/chat?streamId=pkg&userId=alice&username=Alice"));
            Assert.Equal("welcome", (await alice.ReceiveAsync()).GetProperty("type").GetString());
            await using var bob = await ChatTestClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/chat?streamId=pkg&userId=bob&username=Bob"));
            await bob.ReceiveAsync("welcome");

            await alice.SendMessageAsync("hello from a packaged build");

            var message = await bob.ReceiveAsync("message");
            Assert.Equal("hello from a packaged build", message.GetProperty("message").GetString());
            Assert.Equal("alice", message.GetProperty("userId").GetString());
            await alice.SendMessageAsync("mail me at someone@example.com");
            Assert.Equal("pii", (await alice.ReceiveAsync("message_blocked")).GetProperty("reason").GetString());
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync().DefaultTimeout();
        }
    }

    /// <summary>A copy of tests/PackageConsumer outside the repository, so none of its Directory.*.props or project references apply.</summary>
    private sealed class ConsumerProject : IDisposable
    {
        private ConsumerProject(string directory, string version)
        {
            Directory = directory;
            Version = version;
        }

        public string Directory { get; }

        public string Version { get; }

        public static ConsumerProject Create()
        {
            var nupkg = PackagePath("StreamChat.AspNetCore");
            PackagePath("StreamChat.Core");
            var work = System.IO.Directory.CreateTempSubdirectory("streamchat-consumer-").FullName;
            foreach (var file in new[] { "PackageConsumer.csproj", "Program.cs" })
            {
                File.Copy(Path.Combine(RepoRoot, "tests", "PackageConsumer", file), Path.Combine(work, file));
            }

            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{PackagesDir}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local"><package pattern="StreamChat.*" /></packageSource>
                    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                </configuration>
                """);
            return new ConsumerProject(work, VersionOf(nupkg, "StreamChat.AspNetCore"));
        }

        /// <summary>Runs dotnet with the consumer's own packages folder, cleared of StreamChat.* so a re-pack of one version is never served stale.</summary>
        public async Task<string> RunDotnetAsync(params string[] args)
        {
            var packagesCache = Path.Combine(RepoRoot, "artifacts", "consumer-packages");
            lock (typeof(ConsumerProject))
            {
                foreach (var stale in System.IO.Directory.Exists(packagesCache) ? System.IO.Directory.GetDirectories(packagesCache, "streamchat.*") : [])
                {
                    System.IO.Directory.Delete(stale, recursive: true);
                }
            }

            return await RunAsync(Directory, [.. args, $"-p:StreamChatVersion={Version}", $"-p:RestorePackagesPath={packagesCache}", "-nologo"]);
        }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static Process StartProcess(string workingDirectory, string fileName, params string[] args)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Keep the child off the repository's build server and telemetry.
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return Process.Start(info)!;
    }

    private static async Task<string> RunAsync(string workingDirectory, params string[] args)
    {
        using var process = StartProcess(workingDirectory, "dotnet", args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().TimeoutAfter(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        return await stdout + await stderr;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, Process app, StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException("The consumer app exited early:\n" + output);
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException("The consumer app did not start listening:\n" + output);
    }
}
