using IoMT.Core.Escalation;
using IoMT.Core.Notifications;
using IoMT.Core.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// The dispatcher (<see cref="INotifier"/>) and the HTTP channels, configured from section <c>Notifications</c> and
    /// checked at start. Hosts add their own channels (the local console) as more <see cref="INotificationChannel"/>s.
    /// </summary>
    public static IServiceCollection AddIoMTNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>()
            .BindConfiguration(NotificationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        AddChannel<WebhookChannel>(services);
        AddChannel<TeamsChannel>(services);
        AddChannel<PagerDutyChannel>(services);
        AddChannel<CommunicationServicesChannel>(services);
        services.AddSingleton<INotifier, NotificationDispatcher>();
        return services;
    }

    /// <summary>
    /// The <c>caregiver</c> channel (the caregivers of the patient's profile, through their own addresses) and the lookup
    /// that tells the adherence workflow whom it reaches; needs an <see cref="Core.Patients.IPatientDirectory"/>. Caregiver
    /// follow-ups go to <c>console</c> and <c>caregiver</c> unless <c>Workflows:CaregiverFollowUpChannels</c> names the
    /// channels. (Set after binding: a bound list adds to its default.)
    /// </summary>
    public static IServiceCollection AddCaregiverFollowUps(this IServiceCollection services)
    {
        services.AddHttpClient<CaregiverChannel>(CaregiverLookup.HttpClientName)
            .UseSocketsHttpHandler((handler, provider) =>
            {
                var settings = provider.GetRequiredService<IOptionsMonitor<NotificationOptions>>();
                handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2);
                handler.ConnectCallback = PublicNetworks.Connector(() => settings.CurrentValue.CaregiverWebhooksMayUsePrivateNetworks);
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<CaregiverChannel>());
        services.AddSingleton<ICaregiverLookup, CaregiverLookup>();
        services.AddOptions<WorkflowOptions>().PostConfigure<IConfiguration>((workflows, configuration) =>
        {
            if (!configuration.GetSection($"{WorkflowOptions.SectionName}:{nameof(WorkflowOptions.CaregiverFollowUpChannels)}").GetChildren().Any())
            {
                workflows.CaregiverFollowUpChannels = [DefaultEscalationPolicies.ConsoleChannel, CaregiverReach.Channel];
            }
        });
        return services;
    }

    /// <summary>
    /// A channel lives as long as the dispatcher (a singleton), and so does its typed client: its handler is never
    /// rotated, so its pooled connections are recycled every 2 minutes instead, to follow DNS changes of the receivers.
    /// </summary>
    private static void AddChannel<TChannel>(IServiceCollection services)
        where TChannel : class, INotificationChannel
    {
        services.AddHttpClient<TChannel>()
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<TChannel>());
    }
}
