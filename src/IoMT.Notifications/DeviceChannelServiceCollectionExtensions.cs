using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Notifications;

public static class DeviceChannelServiceCollectionExtensions
{
    /// <summary>
    /// The patient's missed-dose reminder goes to the console and to the patient's dispenser or inhaler (the
    /// <c>device</c> channel), unless <c>Workflows:PatientFollowUpChannels</c> names the channels: a care team expects
    /// the reminder where the patient takes the dose. (Set after binding: a bound list adds to its default.)
    /// </summary>
    public static IServiceCollection AddPatientRemindersOnDevices(this IServiceCollection services)
    {
        services.AddOptions<WorkflowOptions>().PostConfigure<IConfiguration>((workflows, configuration) =>
        {
            if (!configuration.GetSection($"{WorkflowOptions.SectionName}:{nameof(WorkflowOptions.PatientFollowUpChannels)}").GetChildren().Any())
            {
                workflows.PatientFollowUpChannels = [DefaultEscalationPolicies.ConsoleChannel, DeviceReminders.Channel];
            }
        });
        return services;
    }
}
