namespace IoMT.Core.Validation;

/// <summary>Limits and tolerances of ingestion (section <c>Ingestion</c>). Defaults are documented in docs/telemetry.md.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>IoT Hub's device-to-cloud message limit.</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    public int MaxReadingsPerMessage { get; set; } = 1000;

    /// <summary>How far a reading's time may be ahead of the receive time (device clock skew) before <c>time.future</c>.</summary>
    public TimeSpan ClockSkewTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How old a reading may be at receive time (offline devices upload later) before <c>time.too-old</c>.</summary>
    public TimeSpan MaxReadingAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Readings older than this at receive time are stored but do not raise or clear alerts: they describe the past.</summary>
    public TimeSpan MaxAlertingAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>JSON nesting deeper than this is <c>json.malformed</c>.</summary>
    public int MaxJsonDepth { get; set; } = 16;
}
