using IoMT.Core.Alerts;
using IoMT.Core.Pipeline;
using IoMT.Functions.Workflows;

namespace IoMT.Functions.Ingestion;

/// <summary>Ingestion's workflow events, handed to the Durable instances with the invocation's Durable client.</summary>
public sealed class DurableEventSink(DurableWorkflows workflows, DurableClientAccessor durable) : IWorkflowEventSink
{
    public Task PublishAsync(IReadOnlyList<WorkflowEvent> events, CancellationToken cancellationToken = default) =>
        workflows.PublishAsync(durable.Client, events, cancellationToken);
}
