using System.Globalization;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Core.Workflows;
using Microsoft.Extensions.Options;

namespace IoMT.Notifications;

/// <summary>
/// The <c>caregiver</c> channel: a follow-up for <c>caregiver:{patient}</c> goes to every caregiver the patient's profile
/// names, by each way they gave: e-mail and SMS through the configured Azure Communication Services resources, a webhook
/// as a POST of the notification's JSON with <c>Idempotency-Key</c> and <c>X-IoMT-Timestamp</c> (unsigned: a profile
/// holds no secret). Every way is tried; the delivery fails, and is retried, if any failed (receivers deduplicate by the
/// key). Failures name the way, never an address.
/// </summary>
internal sealed class CaregiverChannel(
    HttpClient http, CommunicationServicesChannel communicationServices, IPatientDirectory directory, IOptionsMonitor<NotificationOptions> options,
    TimeProvider time) : INotificationChannel
{
    private const string RecipientPrefix = "caregiver:";

    public bool Serves(string channel) => channel == CaregiverReach.Channel;

    public bool Reaches(string recipient) => recipient.StartsWith(RecipientPrefix, StringComparison.Ordinal);

    /// <summary>The ways this host can reach a caregiver: webhooks always, e-mail and SMS when their resource is configured.</summary>
    public static IReadOnlyList<string> UsableWays(NotificationOptions settings) =>
    [
        .. settings.Email is null ? Array.Empty<string>() : [Caregivers.Email],
        .. settings.Sms is null ? Array.Empty<string>() : [Caregivers.Sms],
        Caregivers.Webhook,
    ];

    public async Task SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
    {
        var patient = notification.Recipients.Contains(RecipientPrefix + notification.PatientId, StringComparer.Ordinal)
            ? await directory.FindAsync(notification.PatientId, cancellationToken).ConfigureAwait(false)
            : null;
        var settings = options.CurrentValue;
        var sends = new List<Task>();
        foreach (var way in UsableWays(settings))
        {
            var addresses = Caregivers.Addresses(patient, way);
            if (addresses.Count == 0)
            {
                continue;
            }

            sends.AddRange(way == Caregivers.Webhook
                ? addresses.Select(url => PostAsync(new Uri(url), notification, settings, cancellationToken))
                : [communicationServices.SendToAsync(way, notification, addresses, cancellationToken)]);
        }

        if (sends.Count == 0)
        {
            throw new PermanentDeliveryException("The patient's profile names no caregiver with an e-mail address, SMS number or https webhook this host can use.");
        }

        await Task.WhenAll(sends.Select(Settled)).ConfigureAwait(false);
        var failures = sends.Where(s => s.IsFaulted).Select(s => s.Exception!.InnerException!).ToList();
        if (failures.Count > 0)
        {
            var message = "Caregiver delivery failed: " + string.Join("; ", failures.Select(f => f.Message).Distinct(StringComparer.Ordinal));
            throw failures.All(f => f is PermanentDeliveryException) ? new PermanentDeliveryException(message) : new HttpRequestException(message);
        }
    }

    private async Task PostAsync(Uri url, Notification notification, NotificationOptions settings, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            await JsonDelivery.PostAsync(http, url, JsonDelivery.Describe(notification, settings.ConsoleUrl), (request, _) =>
            {
                request.Headers.Add("X-IoMT-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add("Idempotency-Key", notification.Key);
            }, cancellationToken, "a caregiver's webhook").ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            // Connection failures name the host; the record and the log must not.
            throw e.InnerException is PermanentDeliveryException refused ? refused : new HttpRequestException("A caregiver's webhook could not be reached.");
        }
    }

    /// <summary>Waits for <paramref name="send"/> without throwing: every way is tried before the outcome is judged.</summary>
    private static async Task Settled(Task send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or PermanentDeliveryException)
        {
            // Judged from the task afterwards.
        }
    }
}
