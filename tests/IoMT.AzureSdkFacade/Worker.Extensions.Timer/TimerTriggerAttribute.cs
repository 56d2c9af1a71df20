// Mirrors Microsoft.Azure.Functions.Worker.Extensions.Timer (see README.md for version and source).
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

public sealed class TimerTriggerAttribute : TriggerBindingAttribute
{
    public TimerTriggerAttribute(string schedule)
    {
        Schedule = schedule;
        UseMonitor = true;
    }

    public string Schedule { get; private set; }

    public bool UseMonitor { get; set; }

    public bool RunOnStartup { get; set; }
}

public class TimerInfo
{
    public bool IsPastDue { get; set; }
}
