using IoMT.Core.Notifications;
using Microsoft.Extensions.DependencyInjection;

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
