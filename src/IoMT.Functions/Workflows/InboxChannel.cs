using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Notifications;

namespace IoMT.Functions.Workflows;

/// <summary>
/// The <c>console</c> channel in Azure: an alert reaches the console through its inbox, which lists the alerts the
/// escalation instances save before they notify anyone, so a delivery here has nothing left to send.
/// </summary>
public sealed class InboxChannel : INotificationChannel
{
    public bool Serves(string channel) => channel == DefaultEscalationPolicies.ConsoleChannel;

    /// <summary>The inbox is the care team's: a patient or caregiver is never reached here.</summary>
    public bool Reaches(string recipient) => EscalationTarget.IsCareTeam(recipient);

    public Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken) => Task.CompletedTask;
}
