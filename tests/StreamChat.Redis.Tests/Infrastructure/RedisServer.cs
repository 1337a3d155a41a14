using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StreamChat.Redis.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian's package) on a free loopback port, started for one test class and stopped with it;
/// it can be stopped and started again on the same port, empty, to play an outage.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    /// <summary>Names the server's files; its pid file goes to STREAMCHAT_REDIS_PIDS, where test.sh finds leftovers of a crashed test host.</summary>
    public const string Marker = "streamchat-test";

    private Process? _process;

    private readonly string? _dataDirectory;

    private RedisServer(int port, bool persistent)
    {
        Port = port;
        if (persistent)
        {
            _dataDirectory = Directory.CreateTempSubdirectory(Marker + "-").FullName;
        }
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server; a persistent one writes every command to an append-only file, so a restart keeps its data.</summary>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var server = new RedisServer(FreePort(), persistent);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var executable = Environment.GetEnvironmentVariable("STREAMCHAT_REDIS_SERVER") is { Length: > 0 } path ? path : "redis-server";
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] persistence = _dataDirectory is null
            ? ["--appendonly", "no", "--dir", Path.GetTempPath()]
            : ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDirectory];
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pids = Environment.GetEnvironmentVariable("STREAMCHAT_REDIS_PIDS") is { Length: > 0 } folder ? folder : Path.GetTempPath();
        foreach (var argument in (string[])["--bind", "127.0.0.1", "--port", port, "--save", "", "--dbfilename", Marker + ".rdb", "--pidfile", Path.Combine(pids, $"{Marker}-{port}.pid"), .. persistence])
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "redis-server was not found. Run ./test.sh, which installs Debian's redis-server, or install it (apt-get install redis-server), or set STREAMCHAT_REDIS_SERVER to its path.", ex);
        }

        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on port {Port} within 10 s.");
    }

    /// <summary>Kills the server at once (no goodbye, nothing saved), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
