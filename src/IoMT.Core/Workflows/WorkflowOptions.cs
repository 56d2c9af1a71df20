using System.ComponentModel.DataAnnotations;
using IoMT.Core.Escalation;

namespace IoMT.Core.Workflows;

/// <summary>
/// Escalation policies and follow-up channels (section <c>Workflows</c>). No policies configured means
/// <see cref="DefaultEscalationPolicies"/>. Editing them affects new alerts only: an alert keeps the policy it started with.
/// </summary>
public sealed class WorkflowOptions : IValidatableObject
{
    public const string SectionName = "Workflows";

    public List<EscalationPolicy> Policies { get; set; } = [];

    public List<string> PatientFollowUpChannels { get; set; } = [DefaultEscalationPolicies.ConsoleChannel];

    public List<string> CaregiverFollowUpChannels { get; set; } = [DefaultEscalationPolicies.ConsoleChannel];

    public List<string> CoordinatorFollowUpChannels { get; set; } = [DefaultEscalationPolicies.ConsoleChannel];

    /// <summary>The follow-up channels as the adherence effects take them (a method, so configuration binding leaves it alone).</summary>
    public FollowUpChannels FollowUps() => new(PatientFollowUpChannels, CaregiverFollowUpChannels, CoordinatorFollowUpChannels);

    /// <summary>Every policy error as <c>Workflows:Policies:{i}{pointer}: message</c>, so that the start fails naming them all.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Policies.SelectMany((policy, i) => EscalationPolicies.Validate(policy).Select(e => new ValidationResult($"{SectionName}:Policies:{i}{e.Field}: {e.Message}")));
}
