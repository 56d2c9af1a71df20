using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace IoMT.Local.Tests;

/// <summary>
/// The local host in memory, with its own temporary data folder (or another host's, to test a restart). Any type of the
/// host's assembly names its entry point; LocalOptions avoids clashing with other assemblies' Program classes.
/// </summary>
public sealed class LocalHostFactory : WebApplicationFactory<LocalOptions>
{
    private string? _dataDirectory;

    /// <summary>The data folder of an earlier host: this host starts on its data and leaves the folder in place.</summary>
    public string? ReuseDataDirectory { get; init; }

    /// <summary>More settings for the host, as the command line would give them (e.g. <c>Workflows:Policies:0:Id</c>).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Services that replace the host's own (e.g. a store that fails).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ReplaceServices { get; init; }

    public string DataDirectory => ReuseDataDirectory ?? (_dataDirectory ??= Path.Combine(Path.GetTempPath(), "iomt-tests", Guid.NewGuid().ToString("N")));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("IoMT:DataDirectory", DataDirectory);

        // The test server listens nowhere, so the built-in simulation (on for a host without devices) has nothing to send to.
        builder.UseSetting("IoMT:Simulate", "false");
        // Device endpoints on free ports: test hosts run side by side, and never take 443 or 8883 from the device SDK tests.
        builder.UseSetting("IoMT:DeviceHttpsPort", "0");
        builder.UseSetting("IoMT:DeviceMqttPort", "0");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (ReplaceServices is not null)
        {
            builder.ConfigureTestServices(ReplaceServices);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && ReuseDataDirectory is null && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
