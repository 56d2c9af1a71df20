using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace IoMT.Functions.Telemetry;

/// <summary>
/// Removes from spans what can carry patient data before they are exported: URLs and paths (routes hold patient and
/// device ids), query text, and exception messages and status descriptions (store errors quote request URIs). Names,
/// kinds, durations, status codes and exception types stay, which is what operations need.
/// </summary>
public sealed class RedactingActivityProcessor : BaseProcessor<Activity>
{
    public static IReadOnlyList<string> RemovedTags { get; } =
    [
        "url.full", "url.path", "url.query", "http.url", "http.target", "db.query.text", "db.statement",
        "exception.message", "exception.stacktrace",
    ];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (var tag in RemovedTags)
        {
            if (data.GetTagItem(tag) is not null)
            {
                data.SetTag(tag, null);
            }
        }

        if (data.Status == ActivityStatusCode.Error && !string.IsNullOrEmpty(data.StatusDescription))
        {
            data.SetStatus(ActivityStatusCode.Error);
        }
    }
}

/// <summary>
/// Exported log records keep an exception's type and stack trace but not its message, which may quote a payload or a
/// patient's request. Our own log messages are templates without patient data (a convention the code follows).
/// </summary>
public sealed class RedactingLogProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Exception is { } exception and not RedactedException)
        {
            data.Exception = new RedactedException(exception);
        }
    }
}

/// <summary>Stands in for an exception in telemetry: its type and stack trace, without its message.</summary>
public sealed class RedactedException(Exception original)
    : Exception($"{original.GetType().FullName} (message withheld from telemetry: it may hold patient data)")
{
    public override string? StackTrace { get; } = original.StackTrace;
}
