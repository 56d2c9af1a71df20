using IoMT.Core.Notifications;
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
    public static IServiceCollection AddIoMTNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddHttpClient<WebhookChannel>();
        services.AddHttpClient<TeamsChannel>();
        services.AddHttpClient<PagerDutyChannel>();
        services.AddHttpClient<CommunicationServicesChannel>();
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<WebhookChannel>());
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<TeamsChannel>());
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<PagerDutyChannel>());
        services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<CommunicationServicesChannel>());
        services.AddSingleton<INotifier, NotificationDispatcher>();
        return services;
    }

    /// <summary>Names every invalid setting, not just the first.</summary>
    private sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
    {
        public ValidateOptionsResult Validate(string? name, NotificationOptions options)
        {
            var errors = options.Errors().ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
