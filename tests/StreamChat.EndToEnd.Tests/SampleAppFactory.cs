using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StreamChat.EndToEnd.Tests;

/// <summary>The Kestrel sample itself (its Program, appsettings and wwwroot) on a free loopback port.</summary>
public sealed class SampleAppFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public SampleAppFactory()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>Runs the sample with configuration settings of the test's own, as a user would set them.</summary>
    internal SampleAppFactory(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
    }

    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
