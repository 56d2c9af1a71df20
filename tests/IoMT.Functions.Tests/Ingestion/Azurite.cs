using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Azure.Storage;
using Azure.Storage.Blobs;
using IoMT.Testing;

namespace IoMT.Functions.Tests.Ingestion;

/// <summary>
/// Azurite's Blob service (tests/azurite, installed by <c>dotnet test</c> at the repository root) on a free loopback
/// port, in memory, with a storage account whose key is made for this run. Azurite ignores SIGTERM, so it is stopped
/// by killing its process. The Blob client speaks a newer service version than Azurite 3.37 knows, hence --skipApiVersionCheck.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    private const string Account = "iomttests";
    private static readonly string Script = RepositoryPaths.Combine("tests", "azurite", "node_modules", "azurite", "dist", "src", "blob", "main.js");
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
    private Process? _process;

    public Uri ServiceUri { get; private set; } = null!;

    public static bool IsInstalled => File.Exists(Script);

    public BlobServiceClient Blobs => new(ServiceUri, new StorageSharedKeyCredential(Account, _key));

    public async Task InitializeAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"Azurite is not installed: run `dotnet test` at the repository root, or `npm ci --prefix tests/azurite`.");
        }

        // A port that was free a moment ago can be taken by the time Azurite binds it: try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            _process = Start(port);
            if (await AnswersAsync(port))
            {
                ServiceUri = new Uri($"http://127.0.0.1:{port}/{Account}");
                return;
            }

            Stop();
            if (attempt == 3)
            {
                throw new InvalidOperationException("Azurite did not start on a loopback port in three attempts.");
            }
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private Process Start(int port)
    {
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--silent", "--disableTelemetry", "--skipApiVersionCheck" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["AZURITE_ACCOUNTS"] = $"{Account}:{_key}" },
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Whether Azurite accepts connections on the port within 30 s (generous: the machine may be loaded).</summary>
    private async Task<bool> AnswersAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && _process is { HasExited: false })
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    private void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
