// Mirrors Microsoft.Azure.Functions.Worker.Extensions.DurableTask (see README.md for version and source).
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

[AttributeUsage(AttributeTargets.Parameter)]
public sealed class OrchestrationTriggerAttribute : TriggerBindingAttribute
{
    public string? Orchestration { get; set; }
}

[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ActivityTriggerAttribute : TriggerBindingAttribute
{
    public string? Activity { get; set; }
}

public sealed class DurableClientAttribute : InputBindingAttribute
{
    public string? TaskHub { get; set; }

    public string? ConnectionName { get; set; }
}
