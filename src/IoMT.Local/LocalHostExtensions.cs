using IoMT.Api;
using IoMT.Core;
using IoMT.Core.Access;
using IoMT.Core.Adherence;
using IoMT.Core.Alerts;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Fhir;
using IoMT.Core.Health;
using IoMT.Core.Mapping;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Core.Pipeline;
using IoMT.Core.Timeline;
using IoMT.Core.Users;
using IoMT.Core.Workflows;
using IoMT.Local.Mqtt;
using IoMT.Local.Tls;
using IoMT.Local.Workflows;
using IoMT.Notifications;
using IoMT.Storage.Sqlite;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IoMT.Local;

public static partial class LocalHostExtensions
{
    public static WebApplicationBuilder AddIoMTLocal(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(LocalOptions.SectionName).Get<LocalOptions>() ?? new LocalOptions();
        var (path, openToOthers) = options.CreateDataDirectory();
        var dataDirectory = new DataDirectory(path, openToOthers);

        var services = builder.Services;
        services.AddSingleton(dataDirectory);
        services.AddSingleton(TimeProvider.System);
        services.AddHealthChecks().AddCheck<DataDirectoryHealthCheck>("data-directory");

        services.AddSingleton(_ => new SqliteTimelineStore(Path.Combine(dataDirectory.Path, "timelines.db")));
        services.AddSingleton<ITimelineStore>(sp => sp.GetRequiredService<SqliteTimelineStore>());
        services.AddSingleton(sp => new SqliteDirectory(Path.Combine(dataDirectory.Path, "directory.db"), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IPatientDirectory>(sp => sp.GetRequiredService<SqliteDirectory>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<SqliteDirectory>());
        services.AddSingleton<UserService>();
        services.AddSingleton<FhirExport>();
        services.AddSingleton(_ => new SqliteDeviceRegistry(Path.Combine(dataDirectory.Path, "devices.db")));
        services.AddSingleton<IDeviceRegistry>(sp => sp.GetRequiredService<SqliteDeviceRegistry>());
        services.AddSingleton(_ => new SqliteIngestionLog(Path.Combine(dataDirectory.Path, "ingestion.db")));
        // The processor is the only writer of patient states here, so they stay in memory between its rounds.
        services.AddSingleton<IIngestionStateStore>(sp => new CachedIngestionState(sp.GetRequiredService<SqliteIngestionLog>()));
        services.AddSingleton(_ => new SqliteWorkflowStore(Path.Combine(dataDirectory.Path, "workflows.db")));
        services.AddSingleton<WorkflowSignal>();
        services.AddSingleton<LocalWorkflowEngine>();
        services.AddSingleton<IWorkflowEventSink>(sp => sp.GetRequiredService<LocalWorkflowEngine>());
        services.AddSingleton<IAlertWorkflows>(sp => sp.GetRequiredService<LocalWorkflowEngine>());
        services.AddSingleton<AlertService>();
        services.AddSingleton<IMedicationSchedules>(sp => sp.GetRequiredService<LocalWorkflowEngine>());
        services.AddSingleton<AdherenceService>();
        services.AddSingleton<PatientOverviewService>();
        services.AddSingleton<WorkflowEffectRunner>();
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<LiveFeed>());
        services.AddIoMTNotifications();
        services.AddOptions<WorkflowOptions>().Bind(builder.Configuration.GetSection(WorkflowOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddPatientRemindersOnDevices();
        services.AddCaregiverFollowUps();
        services.AddHostedService<WorkflowRunner>();
        services.AddSingleton<DeviceSilenceWatch>();
        // Registered first, so leftover simulated devices are retired before the first silence check.
        services.AddHostedService<SimulationRetirement>();
        services.AddHostedService<DeviceWatchService>();
        services.AddOptions<EnrichmentOptions>().Bind(builder.Configuration.GetSection(EnrichmentOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EnrichmentOptions>>().Value);
        services.AddSingleton(_ => new SqliteMappingStore(Path.Combine(dataDirectory.Path, "mappings.db")));
        services.AddSingleton<IMappingStore>(sp => sp.GetRequiredService<SqliteMappingStore>());
        services.AddSingleton<MappingCatalog>();
        services.AddSingleton<MappingService>();
        services.AddSingleton<BatchIngestion>();
        services.AddSingleton<DeviceService>();
        services.AddSingleton<PatientService>();
        services.AddSingleton(_ => new SqliteClinicalSettingsStore(Path.Combine(dataDirectory.Path, "clinical-settings.db")));
        services.AddSingleton<IClinicalSettingsStore>(sp => sp.GetRequiredService<SqliteClinicalSettingsStore>());
        services.AddSingleton(sp => new ClinicalProfiles(sp.GetRequiredService<IClinicalSettingsStore>()));
        services.AddSingleton<ClinicalSettingsService>();
        services.AddSingleton<DeviceGateway>();
        services.AddSingleton(_ => new SqliteCloudToDeviceStore(Path.Combine(dataDirectory.Path, "cloud-to-device.db")));
        services.AddSingleton(_ => new SqliteDeviceDeliveryStore(Path.Combine(dataDirectory.Path, "device-deliveries.db")));
        services.AddSingleton<IDeviceDeliveryStore>(sp => sp.GetRequiredService<SqliteDeviceDeliveryStore>());
        services.AddSingleton(sp => new DeviceDeliveryRecorder(sp.GetRequiredService<IDeviceDeliveryStore>(),
            sp.GetRequiredService<SqliteCloudToDeviceStore>(), sp.GetRequiredService<ITimelineStore>(), sp.GetRequiredService<TimeProvider>()));
        // Devices settle through this queue (HTTPS and MQTT): each settlement is recorded on the notification it carries.
        services.AddSingleton<ICloudToDeviceStore>(sp => ActivatorUtilities.CreateInstance<RecordingCloudToDeviceStore>(sp, sp.GetRequiredService<SqliteCloudToDeviceStore>()));
        services.AddSingleton<ICloudToDeviceMessages>(sp => sp.GetRequiredService<ICloudToDeviceStore>());
        services.AddSingleton<CloudToDeviceService>();
        services.AddSingleton<DeviceChannel>();
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<DeviceChannel>());
        services.AddHostedService<DeviceDeliveryWatch>();
        services.AddSingleton(sp => new DeviceRateLimiter(options.DeviceMessagesPerSecond, options.DeviceMessageBurst, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new SqliteSecurityEventStore(Path.Combine(dataDirectory.Path, "audit.db")));
        services.AddSingleton<ISecurityEventStore>(sp => sp.GetRequiredService<SqliteSecurityEventStore>());
        services.AddSingleton<SecurityAudit>();
        services.AddSingleton<DpsOperations>();
        services.AddSingleton<IGatewayEndpoints, LocalGatewayEndpoints>();
        services.AddHostedService<AdminBootstrap>();
        services.AddHostedService<SimulationHost>();
        services.AddHostedService<IngestionProcessor>();
        services.AddOptions<LocalOptions>().Bind(builder.Configuration.GetSection(LocalOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddProblemDetails();
        services.AddAuthentication(LocalTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, LocalTokenAuthenticationHandler>(LocalTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        // The OpenAPI document describes JSON as the API writes it (ApiJson.Options: camelCase, enums as camelCase names).
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddOpenApi(openApi => openApi.AddManagementRequestBodies());
        builder.AddDeviceEndpoints();
        builder.AddMqttGateway();
        return builder;
    }

    public static WebApplication MapIoMTLocal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<BadRequestBodyMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<SecurityAuditMiddleware>();
        app.UseAuthorization();
        app.MapGet("/healthz", WriteHealthAsync);
        app.MapGet("/api/health", WriteHealthAsync);

        // Readiness: not before every service has started, and no longer once the host is stopping (so traffic drains).
        var ready = false;
        app.Lifetime.ApplicationStarted.Register(() => ready = true);
        app.Lifetime.ApplicationStopping.Register(() => ready = false);
        app.MapGet("/readyz", (IServiceProvider services, CancellationToken cancellationToken) => ready
            ? WriteHealthAsync(services.GetRequiredService<HealthCheckService>(), cancellationToken)
            : Task.FromResult(Results.Json(new { status = "NotReady" }, statusCode: 503)));
        app.MapConsole();
        app.MapOpenApi("/openapi/v1.json");
        app.MapManagementApi();
        app.MapLiveFeed();
        app.MapSecurityAudit();
        app.MapDeviceGateway();
        app.MapCloudToDeviceApi();
        app.MapIoTHubCertificate();
        app.MapMqttGateway();

        var dataDirectory = app.Services.GetRequiredService<DataDirectory>();

        // Open (and migrate) the databases now: a file that cannot be opened stops the start, not the first request.
        app.Services.GetRequiredService<SqliteTimelineStore>();
        app.Services.GetRequiredService<SqliteDirectory>();
        app.Services.GetRequiredService<SqliteDeviceRegistry>().IdScope();
        app.Services.GetRequiredService<SqliteIngestionLog>();
        app.Services.GetRequiredService<SqliteWorkflowStore>();
        app.Services.GetRequiredService<SqliteMappingStore>();
        app.Services.GetRequiredService<SqliteClinicalSettingsStore>();
        app.Services.GetRequiredService<SqliteSecurityEventStore>();
        app.Services.GetRequiredService<SqliteCloudToDeviceStore>();
        app.Services.GetRequiredService<SqliteDeviceDeliveryStore>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            LocalProfileFile.Write(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>(), dataDirectory.Path);
            Log.Started(app.Logger, ProductInfo.Version, dataDirectory.Path);
            if (dataDirectory.OpenToOthers)
            {
                Log.DataDirectoryOpen(app.Logger, dataDirectory.Path);
            }
        });
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

        [LoggerMessage(Level = LogLevel.Warning, Message = "Other users can open the data folder {DataDirectory}, which holds health data; restrict it (chmod 700) unless it is shared on purpose")]
        public static partial void DataDirectoryOpen(ILogger logger, string dataDirectory);
    }
}
