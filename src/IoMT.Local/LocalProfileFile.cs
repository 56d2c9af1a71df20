using IoMT.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace IoMT.Local;

/// <summary>Writes <see cref="LocalProfile.FileName"/> into the data folder once the host listens: where <c>iomt</c> finds this host.</summary>
internal static class LocalProfileFile
{
    /// <summary>The profile for the server's first listening address; null when the server has none (an in-process test server).</summary>
    public static LocalProfile? For(IServer server, string dataDirectory)
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (listening is null)
        {
            return null;
        }

        // Devices may send over plain HTTP on the same address (the TLS endpoints are in docs/devices.md).
        var address = SimulationHost.LoopbackAddress(listening);
        return new LocalProfile(address, address, Path.Combine(dataDirectory, AdminBootstrap.TokenFileName), Path.Combine(dataDirectory, SimulationHost.UsersFileName));
    }

    public static void Write(IServer server, string dataDirectory)
    {
        if (For(server, dataDirectory) is { } profile)
        {
            OwnerOnlyFiles.Write(Path.Combine(dataDirectory, LocalProfile.FileName), profile.ToJson(), ownerOnly: true);
        }
    }
}
