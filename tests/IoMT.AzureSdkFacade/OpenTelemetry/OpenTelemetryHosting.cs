// Mirrors OpenTelemetry.Extensions.Hosting, Microsoft.Azure.Functions.Worker.OpenTelemetry and
// Azure.Monitor.OpenTelemetry.Exporter (see README.md for versions and sources). The builder is the real SDK's
// interface, so the app's WithTracing/WithLogging calls run the real OpenTelemetry SDK.
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace Microsoft.Extensions.DependencyInjection
{
    public static class OpenTelemetryServicesExtensions
    {
        public static OpenTelemetryBuilder AddOpenTelemetry(this IServiceCollection services) => new(services);
    }
}

namespace OpenTelemetry
{
    public sealed class OpenTelemetryBuilder : IOpenTelemetryBuilder
    {
        internal OpenTelemetryBuilder(IServiceCollection services) => Services = services;

        public IServiceCollection Services { get; }
    }
}

namespace Microsoft.Azure.Functions.Worker.OpenTelemetry
{
    public static class ConfigureFunctionsOpenTelemetry
    {
        /// <summary>The real one adds the worker's ActivitySource, resource detector and capabilities; nothing to run here.</summary>
        public static IOpenTelemetryBuilder UseFunctionsWorkerDefaults(this IOpenTelemetryBuilder builder) => builder;
    }
}

namespace Azure.Monitor.OpenTelemetry.Exporter
{
    public class AzureMonitorExporterOptions : ClientOptions
    {
        public string? ConnectionString { get; set; }

        public TokenCredential? Credential { get; set; }
    }

    public static class OpenTelemetryBuilderExtensions
    {
        public static IOpenTelemetryBuilder UseAzureMonitorExporter(this IOpenTelemetryBuilder builder) => builder.UseAzureMonitorExporter(_ => { });

        /// <summary>Records the configuration as options, as the real one does before adding its exporters.</summary>
        public static IOpenTelemetryBuilder UseAzureMonitorExporter(this IOpenTelemetryBuilder builder, Action<AzureMonitorExporterOptions> configureAzureMonitor)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.Services.Configure(configureAzureMonitor);
            return builder;
        }
    }
}
