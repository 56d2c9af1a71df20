using System.Net;
using System.Net.Http.Headers;
using System.Text;
using IoMT.Core.Alerts;
using IoMT.Core.Notifications;
using IoMT.Core.Patients;
using IoMT.Core.Users;
using IoMT.Local.Workflows;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Local.Tests.Workflows;

/// <summary>An open <c>/api/live</c> stream holds only the access its caller has now, event by event.</summary>
public sealed class LiveFeedAccessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly GatewayFixture _api = new();

    private SqliteDirectory Directory => _api.Factory.Services.GetRequiredService<SqliteDirectory>();

    private LiveFeed Feed => _api.Factory.Services.GetRequiredService<LiveFeed>();

    [Fact]
    public async Task Stream_PatientMovedToAnotherCareTeam_OldTeamGetsNoMoreOfTheirEvents()
    {
        await Directory.SaveAsync(new PatientRecord("patient-2", ["ward-7"]));
        using var stream = await OpenAsync(_api.NurseToken);
        await Feed.SendAsync("console", Notification("patient-2", "before"), CancellationToken.None);
        await stream.ReadUntilAsync("patient-2:before");

        await Directory.SaveAsync(new PatientRecord("patient-2", ["ward-9"]));
        await Feed.SendAsync("console", Notification("patient-2", "after"), CancellationToken.None);
        await Feed.SendAsync("console", Notification("patient-1", "marker"), CancellationToken.None);
        var text = await stream.ReadUntilAsync("patient-1:marker");

        Assert.DoesNotContain("patient-2:after", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_TokenRevoked_StreamEnds()
    {
        var token = await Directory.IssueTokenAsync("nurse-7", "test", DateTimeOffset.UtcNow);
        using var stream = await OpenAsync(token);

        Assert.True(await Directory.RevokeTokenAsync(token));

        var rest = await stream.ReadToEndAsync().WaitAsync(Patience);
        Assert.DoesNotContain("event:", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_UserDisabled_StreamEnds()
    {
        using var stream = await OpenAsync(_api.NurseToken);
        var nurse = (await Directory.FindUserAsync("nurse-7"))!;

        await Directory.SaveUserAsync(nurse with { Disabled = true }, new UserChange(DateTimeOffset.UtcNow, "admin", UserChanges.Disabled, "nurse-7", ""));

        var rest = await stream.ReadToEndAsync().WaitAsync(Patience);
        Assert.DoesNotContain("event:", rest, StringComparison.Ordinal);
    }

    private async Task<LiveStream> OpenAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/live", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = new LiveStream(response, await response.Content.ReadAsStreamAsync());
        await stream.ReadUntilAsync(": connected");
        return stream;
    }

    private static Notification Notification(string patientId, string key) =>
        new($"{patientId}:{key}", NotificationKind.AlertTriggered, patientId, patientId + ":spo2-low", "SpO2 low", AlertPriority.High, ["role:nurse"],
            ["console"], DateTimeOffset.UnixEpoch);

    public void Dispose() => _api.Dispose();

    private sealed class LiveStream(HttpResponseMessage response, Stream body) : IDisposable
    {
        private readonly StringBuilder _text = new();

        public async Task<string> ReadUntilAsync(string expected)
        {
            using var timeout = new CancellationTokenSource(Patience);
            var buffer = new byte[4096];
            while (!_text.ToString().Contains(expected, StringComparison.Ordinal))
            {
                var read = await body.ReadAsync(buffer, timeout.Token);
                Assert.True(read > 0, $"The stream ended before '{expected}':\n{_text}");
                _text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            return _text.ToString();
        }

        public async Task<string> ReadToEndAsync()
        {
            var start = _text.Length;
            var buffer = new byte[4096];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                _text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            return _text.ToString()[start..];
        }

        public void Dispose()
        {
            body.Dispose();
            response.Dispose();
        }
    }
}
