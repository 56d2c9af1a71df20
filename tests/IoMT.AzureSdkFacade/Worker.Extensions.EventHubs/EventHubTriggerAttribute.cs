// Mirrors Microsoft.Azure.Functions.Worker.Extensions.EventHubs (see README.md for version and source).
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

public sealed class EventHubTriggerAttribute : TriggerBindingAttribute
{
    public EventHubTriggerAttribute(string eventHubName)
    {
        EventHubName = eventHubName;
    }

    public string EventHubName { get; private set; }

    public string? ConsumerGroup { get; set; }

    public string? Connection { get; set; }

    public bool IsBatched { get; set; } = true;
}
