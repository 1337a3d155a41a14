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
    /// <summary>test.sh kills leftovers by this marker if a test host crashes.</summary>
    public const string Marker = "streamchat-test";

    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
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
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dbfilename", Marker + ".rdb", "--dir", Path.GetTempPath() })
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

    public ValueTask DisposeAsync() => new(KillAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
