using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace IoMT.Functions.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// OpenTelemetry traces and logs of the worker (host.json sets the host to OpenTelemetry too), redacted, and sent
    /// to Application Insights with the app's managed identity when a connection string is set (Azure; not locally).
    /// </summary>
    public static IServiceCollection AddIoMTTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddProcessor(new RedactingActivityProcessor()))
            .WithLogging(logging => logging.AddProcessor(new RedactingLogProcessor()));
        if (!string.IsNullOrEmpty(configuration[ConnectionStringSetting]))
        {
            // Application Insights refuses its ingestion key (local auth is off): the exporter signs in as the app.
            telemetry.UseAzureMonitorExporter(options => options.Credential = new DefaultAzureCredential());
        }

        return services;
    }
}
