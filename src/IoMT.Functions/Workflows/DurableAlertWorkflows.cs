using IoMT.Core.Escalation;
using IoMT.Core.Workflows;
using Microsoft.DurableTask.Client;

namespace IoMT.Functions.Workflows;

/// <summary>
/// The Durable client of the current request: Durable Functions hands it to a function as a <c>[DurableClient]</c>
/// parameter, which the function stores here for the services of its request scope.
/// </summary>
public sealed class DurableClientAccessor
{
    private DurableTaskClient? _client;

    public DurableTaskClient Client
    {
        get => _client ?? throw new InvalidOperationException("This function did not bind a [DurableClient]; only alert action functions send to escalations.");
        set => _client = value;
    }
}

/// <summary>
/// The alert API's view of the Durable escalations: alerts are read from the escalation store the instances save to;
/// actions are checked against the stored state with the same decider (so the caller gets the same answer as
/// locally: duplicate, resolved, refused) and then raised as events to the alert's instance, which decides for good.
/// The response of an action shows the state the instance will reach from the stored one.
/// </summary>
public sealed class DurableAlertWorkflows(IWorkflowStore escalations, DurableClientAccessor durable) : IAlertWorkflows
{
    private readonly Dictionary<string, EscalationState> _expected = new(StringComparer.Ordinal);

    public async Task<AlertView?> FindAsync(string alertId, CancellationToken cancellationToken = default)
    {
        var stored = await escalations.FindAsync(alertId, cancellationToken).ConfigureAwait(false);
        var state = _expected.TryGetValue(alertId, out var expected) && (stored is null || stored.Sequence < expected.Sequence) ? expected : stored;
        return state is null ? null : AlertView.From(state);
    }

    public async Task<IReadOnlyList<AlertView>> ListAsync(AlertFilter filter, int limit, CancellationToken cancellationToken = default) =>
        [.. (await escalations.ListAsync(filter, limit, cancellationToken).ConfigureAwait(false)).Select(AlertView.From)];

    public async Task<DecisionOutcome> SendAsync(string alertId, EscalationInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await escalations.FindAsync(alertId, cancellationToken).ConfigureAwait(false) is not { } state)
        {
            return DecisionOutcome.Invalid;
        }

        var decision = EscalationDecider.Decide(state, input);
        if (decision.Outcome == DecisionOutcome.Applied)
        {
            var (name, payload) = DurableEvents.For(input);
            await durable.Client.RaiseEventAsync(DurableEvents.EscalationInstance(alertId), name, payload, cancellationToken).ConfigureAwait(false);
            _expected[alertId] = decision.State;
        }

        return decision.Outcome;
    }
}
