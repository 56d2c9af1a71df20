using IoMT.Api;
using IoMT.Core.Devices;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace IoMT.Functions.Devices;

/// <summary>IoT Hub and DPS as configured: what exported device credentials point at.</summary>
public sealed class AzureGatewayEndpoints(IOptions<AzureDeviceOptions> options) : IGatewayEndpoints
{
    public GatewayEndpoints Resolve(HttpRequest request) =>
        new(options.Value.IoTHubHostName, options.Value.DpsIdScope, options.Value.DpsDeviceHostName);
}
