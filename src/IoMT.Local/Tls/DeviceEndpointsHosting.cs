using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace IoMT.Local.Tls;

/// <summary>The local CA, the device endpoints and the route that hands out the CA's certificate.</summary>
public static class DeviceEndpointsHosting
{
    public const string CaCertificateRoute = "/api/iot-hub/ca.pem";

    /// <summary>
    /// Registers the CA and <see cref="DeviceEndpoints"/>, and has Kestrel listen on the management URLs and the device endpoint.
    /// </summary>
    /// <remarks>
    /// Kestrel binds the host's URLs (<c>Urls</c>, <c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>HTTP_PORTS</c>…) only when no
    /// endpoint is set in code: with the device endpoint it would ignore them, and warn. So once the host has handed them
    /// to the server (just before it builds the request pipeline and starts the server), <see cref="ListenFilter"/> takes
    /// them back and listens on them in code, first (they stay the first of the server's addresses), as Kestrel would have,
    /// then adds the device endpoint. Under a test server nothing is bound; the CA is then made when first asked for.
    /// </remarks>
    public static WebApplicationBuilder AddDeviceEndpoints(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(sp => LocalCertificateAuthority.Open(
            sp.GetRequiredService<DataDirectory>().Path,
            sp.GetRequiredService<IOptions<LocalOptions>>().Value.HubHostName(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<LocalCertificateAuthority>()));
        builder.Services.AddSingleton<DeviceEndpoints>();
        builder.Services.AddTransient<IStartupFilter, ListenFilter>();
        return builder;
    }

    /// <summary><c>GET /api/iot-hub/ca.pem</c>: the local CA's public certificate, for devices to trust (anonymous: it is public).</summary>
    public static IEndpointRouteBuilder MapIoTHubCertificate(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(CaCertificateRoute, (LocalCertificateAuthority authority) =>
                Results.Bytes(Encoding.ASCII.GetBytes(authority.CaCertificatePem), "application/x-pem-file", LocalCertificateAuthority.CaCertificateFileName))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>One URL as Kestrel reads it: <c>localhost</c> is both loopbacks, an IP address itself, any other host every address.</summary>
    internal static void ListenOn(KestrelServerOptions kestrel, string url)
    {
        var address = BindingAddress.Parse(url);
        var https = string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        if (!https && !string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Unrecognized scheme in server address '{url}'. Only 'http://' and 'https://' are supported.");
        }

        if (!string.IsNullOrEmpty(address.PathBase))
        {
            throw new InvalidOperationException($"A path base can only be configured using IApplicationBuilder.UsePathBase(), not in the server address '{url}'.");
        }

        Action<ListenOptions> configure = https ? listen => listen.UseHttps() : _ => { };
        if (address.IsUnixPipe)
        {
            kestrel.ListenUnixSocket(address.UnixPipePath, configure);
        }
        else if (address.IsNamedPipe)
        {
            kestrel.ListenNamedPipe(address.NamedPipeName, configure);
        }
        else if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, configure);
        }
    }
}

/// <summary>
/// Runs after the host gave its URLs to the server and before the server starts: with Kestrel, listens on those URLs
/// (or Kestrel's default, <c>http://localhost:5000</c>, when neither they nor <c>Kestrel:Endpoints</c> name any) and on
/// the device endpoint.
/// </summary>
internal sealed class ListenFilter(IServer server, IServiceProvider services, IConfiguration configuration) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (server.GetType().Assembly == typeof(KestrelServerOptions).Assembly)
        {
            var kestrel = services.GetRequiredService<IOptions<KestrelServerOptions>>();
            var endpoints = services.GetRequiredService<DeviceEndpoints>();
            var urls = new List<string>();
            if (server.Features.Get<IServerAddressesFeature>()?.Addresses is { IsReadOnly: false } addresses)
            {
                urls.AddRange(addresses);
                addresses.Clear();
            }

            if (urls.Count == 0 && !configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
            {
                urls.Add("http://localhost:5000");
            }

            foreach (var url in urls)
            {
                DeviceEndpointsHosting.ListenOn(kestrel.Value, url);
            }

            endpoints.Listen(kestrel.Value);
        }

        next(app);
    };
}
