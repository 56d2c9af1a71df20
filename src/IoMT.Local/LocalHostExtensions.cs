using IoMT.Core;
using IoMT.Core.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IoMT.Local;

public static partial class LocalHostExtensions
{
    public static WebApplicationBuilder AddIoMTLocal(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(LocalOptions.SectionName).Get<LocalOptions>() ?? new LocalOptions();
        var dataDirectory = new DataDirectory(Directory.CreateDirectory(options.ResolveDataDirectory()).FullName);

        builder.Services.AddSingleton(dataDirectory);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddCheck<DataDirectoryHealthCheck>("data-directory");
        return builder;
    }

    public static WebApplication MapIoMTLocal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", WriteHealthAsync);
        app.MapGet("/api/health", WriteHealthAsync);
        app.MapGet("/", () => Results.Json(new
        {
            product = ProductInfo.Name,
            version = ProductInfo.Version,
            status = "The local product is being assembled: only /healthz and /api/health are served so far.",
        }));

        var dataDirectory = app.Services.GetRequiredService<DataDirectory>();
        app.Lifetime.ApplicationStarted.Register(() => Log.Started(app.Logger, ProductInfo.Version, dataDirectory.Path));
        return app;
    }

    private static async Task<IResult> WriteHealthAsync(HealthCheckService healthChecks, CancellationToken cancellationToken)
    {
        var report = await healthChecks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var summary = HealthSummary.From(report, ProductInfo.Version);
        return Results.Json(summary, statusCode: summary.HttpStatusCode);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "IoMT.Cloud {Version} local host started; data in {DataDirectory}")]
        public static partial void Started(ILogger logger, string version, string dataDirectory);
    }
}
