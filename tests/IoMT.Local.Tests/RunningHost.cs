using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace IoMT.Local.Tests;

/// <summary>
/// The local host as `dotnet run --project src/IoMT.Local` starts it, but on free loopback ports (device endpoints too) and its own data
/// folder, with the built-in simulation on (two patients: a normal one and a COPD desaturation, one-minute cycles).
/// </summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHost(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = new Uri(app.Urls.First().TrimEnd('/') + "/");
    }

    public Uri Address { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningHost> StartAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), "iomt-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(["--urls=http://127.0.0.1:0", $"--IoMT:DataDirectory={data}", "--IoMT:SimulatedPatients=2", "--IoMT:SimulationCycle=00:01:00", "--IoMT:DeviceHttpsPort=0", "--IoMT:DeviceMqttPort=0"]);
        builder.AddIoMTLocal();
        var app = builder.Build();
        app.MapIoMTLocal();
        await app.StartAsync();
        return new RunningHost(app, data);
    }

    /// <summary>The users the simulation seeded, with their tokens, once it has written them.</summary>
    public async Task<JsonArray> SeededUsersAsync()
    {
        var path = Path.Combine(DataDirectory, SimulationHost.UsersFileName);
        for (var attempt = 0; !File.Exists(path) && attempt < 100; attempt++)
        {
            await Task.Delay(100);
        }

        return JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsArray();
    }

    public async Task<string> TokenOfAsync(string userId) =>
        (string)(await SeededUsersAsync()).Single(u => (string)u!["id"]! == userId)!["token"]!;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
