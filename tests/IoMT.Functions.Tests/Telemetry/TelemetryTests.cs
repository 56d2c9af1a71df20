using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using IoMT.Functions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace IoMT.Functions.Tests.Telemetry;

public sealed partial class TelemetryTests : IDisposable
{
    private const string PatientId = "MRN-0042";
    private readonly ActivitySource _source = new("IoMT.Tests.Telemetry");

    [Fact]
    public void Span_LosesUrlsQueryTextAndExceptionMessages_KeepsStatusAndCodes()
    {
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(_source.Name)
            .AddProcessor(new RedactingActivityProcessor()).AddProcessor(new Capture<Activity>(exported.Add)).Build())
        {
            using var activity = _source.StartActivity("GET patients/{id}/timeline")!;
            activity.SetTag("url.path", $"/api/patients/{PatientId}/timeline");
            activity.SetTag("url.full", $"https://iomt.example/api/patients/{PatientId}/timeline?limit=10");
            activity.SetTag("db.query.text", $"SELECT * FROM c WHERE c.patientId = '{PatientId}'");
            activity.SetTag("exception.message", $"Resource /docs/{PatientId} not found");
            activity.SetTag("http.response.status_code", 404);
            activity.SetTag("http.route", "patients/{id}/timeline");
            activity.SetStatus(ActivityStatusCode.Error, $"NotFound /docs/{PatientId}");
        }

        var span = Assert.Single(exported);
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains(PatientId, StringComparison.Ordinal) == true);
        Assert.All(RedactingActivityProcessor.RemovedTags, tag => Assert.Null(span.GetTagItem(tag)));
        Assert.Equal(404, span.GetTagItem("http.response.status_code"));
        Assert.Equal("patients/{id}/timeline", span.GetTagItem("http.route"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Null(span.StatusDescription);
    }

    [Fact]
    public void LoggedException_KeepsTypeAndStack_LosesItsMessage_ThroughTheAppsRegistration()
    {
        var exported = new List<(string? Message, Exception? Exception)>();
        var services = new ServiceCollection().AddLogging().AddIoMTTelemetry(new ConfigurationBuilder().Build());
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddProcessor(new Capture<LogRecord>(r => exported.Add((r.Body, r.Exception)))));
        Exception thrown;
        try
        {
            throw new InvalidOperationException($"Reading of patient {PatientId} rejected");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        using (var provider = services.BuildServiceProvider())
        {
            BatchFailed(provider.GetRequiredService<ILoggerFactory>().CreateLogger("IoMT.Tests"), thrown, 7);
        }

        var (message, exception) = Assert.Single(exported);
        Assert.Equal("Batch {Batch} failed", message);
        var redacted = Assert.IsType<RedactedException>(exception);
        Assert.DoesNotContain(PatientId, redacted.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), redacted.Message, StringComparison.Ordinal);
        Assert.Equal(thrown.StackTrace, redacted.StackTrace);
    }

    [Fact]
    public void AzureMonitorExporter_OnlyWithAConnectionString_SigningInAsTheApp()
    {
        static AzureMonitorExporterOptions Exporter(IConfiguration configuration) =>
            new ServiceCollection().AddLogging().AddIoMTTelemetry(configuration).BuildServiceProvider()
                .GetRequiredService<IOptions<AzureMonitorExporterOptions>>().Value;

        Assert.Null(Exporter(new ConfigurationBuilder().Build()).Credential);
        var azure = new ConfigurationBuilder().AddInMemoryCollection([new(TelemetryServiceCollectionExtensions.ConnectionStringSetting, "InstrumentationKey=00000000-0000-0000-0000-000000000000")]).Build();
        Assert.IsType<DefaultAzureCredential>(Exporter(azure).Credential);
    }

    public void Dispose() => _source.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch {Batch} failed")]
    private static partial void BatchFailed(ILogger logger, Exception exception, int batch);

    private sealed class Capture<T>(Action<T> onEnd) : BaseProcessor<T>
        where T : class
    {
        public override void OnEnd(T data) => onEnd(data);
    }
}
