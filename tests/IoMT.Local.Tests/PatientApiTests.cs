using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IoMT.Core.Access;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IoMT.Local.Tests;

public sealed class PatientApiTests : IDisposable
{
    /// <summary>Every part of the profile <see cref="Profile"/> sends, as it must never appear where it does not belong.</summary>
    private static readonly string[] Phi = ["Lovelace", "1950-03-14", "MRN-0012", "hospital.example", "Hopper", "grace@example.org", "+447700900123", "care.example.org"];

    private readonly Log _log = new();
    private readonly GatewayFixture _api;
    private readonly string _admin;

    public PatientApiTests()
    {
        _api = new GatewayFixture(new LocalHostFactory
        {
            ReplaceServices = s => s.AddLogging(b => b.AddProvider(_log).AddFilter<Log>(null, LogLevel.Trace)),
        });
        _admin = File.ReadAllText(Path.Combine(_api.Factory.DataDirectory, "admin.token")).Trim();
    }

    private static object Profile => new
    {
        careTeams = new[] { "ward-7" },
        displayName = "Ada Lovelace",
        birthDate = "1950-03-14",
        identifiers = new[] { new { system = "https://hospital.example/mrn", value = "MRN-0012", type = "MR" } },
        location = new { ward = "7", room = "12", bed = "B" },
        contacts = new[] { new { name = "Grace Hopper", relation = "daughter", caregiver = true, email = "grace@example.org", sms = "+447700900123", webhook = "https://care.example.org/hook" } },
    };

    [Fact]
    public async Task Put_Admin_CreatesThePatient_TheirNurseReadsIt_NurseCannotCreate()
    {
        using var created = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-9", _admin, new { careTeams = new[] { "ward-7" } });
        using var read = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-9", _api.NurseToken);
        using var refused = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-10", _api.NurseToken, new { careTeams = new[] { "ward-7" } });

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("""["ward-7"]""", (await read.Content.ReadFromJsonAsync<JsonObject>())!["careTeams"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Put_Profile_AnsweredAsGetShowsIt_TheNursesListShowsNameAndLocation()
    {
        using var created = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-9", _admin, Profile);
        using var read = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-9", _api.NurseToken);
        using var list = await _api.SendAsync(HttpMethod.Get, "/api/patients", _api.NurseToken);

        var answer = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var patient = (await read.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(answer.ToJsonString(), patient.ToJsonString());
        Assert.Equal(("Ada Lovelace", "1950-03-14", "MR", "12"),
            ((string?)patient["displayName"], (string?)patient["birthDate"], (string?)patient["identifiers"]![0]!["type"], (string?)patient["location"]!["room"]));
        Assert.Equal(("daughter", true, "+447700900123"),
            ((string?)patient["contacts"]![0]!["relation"], (bool?)patient["contacts"]![0]!["caregiver"], (string?)patient["contacts"]![0]!["sms"]));
        var item = (await list.Content.ReadFromJsonAsync<JsonArray>())!.Single(p => (string?)p!["id"] == "patient-9")!;
        Assert.Equal(("Ada Lovelace", "7", "B"), ((string?)item["displayName"], (string?)item["location"]!["ward"], (string?)item["location"]!["bed"]));
    }

    [Fact]
    public async Task Put_InvalidContact_400WithItsPointer_WithoutTheValue_NothingWritten()
    {
        using var created = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-9", _admin, Profile);

        using var refused = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-9", _admin,
            new { careTeams = new[] { "ward-7" }, displayName = "Ada Byron", contacts = new[] { new { name = "Grace Hopper", relation = "daughter", sms = "+44 7700 900123" } } });
        using var read = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-9", _admin);

        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((HttpStatusCode.BadRequest, "request.body-invalid", "/contacts/0/sms"), (refused.StatusCode, (string?)problem["code"], (string?)problem["field"]));
        Assert.DoesNotContain("7700", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Ada Lovelace", (string?)(await read.Content.ReadFromJsonAsync<JsonObject>())!["displayName"]);
    }

    [Fact]
    public async Task Profile_CallersWhoMayNotReadThePatient_GetNoneOfIt_AndNothingOfItIsLoggedOrAudited()
    {
        var otherNurse = GatewayFixture.Token(_api.Factory.Services.GetRequiredService<SqliteDirectory>(), new LocalUser("nurse-9", [Role.Nurse], ["ward-9"]));
        using var created = await _api.SendAsync(HttpMethod.Put, "/api/patients/patient-9", _admin, Profile);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        var answers = new List<(HttpStatusCode Status, string Body)>();
        foreach (var (token, path) in new[]
        {
            (_api.MakerToken, "/api/patients/patient-9"), (_api.MakerToken, "/api/patients"), (_api.MakerToken, "/api/patients/patient-9/fhir"),
            (otherNurse, "/api/patients/patient-9"), (otherNurse, "/api/patients"), (otherNurse, "/api/patients/patient-9/fhir"),
        })
        {
            using var response = await _api.SendAsync(HttpMethod.Get, path, token);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        using (var allowed = await _api.SendAsync(HttpMethod.Get, "/api/patients/patient-9/fhir", _api.NurseToken))
        {
            Assert.Contains("Lovelace", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.OK, HttpStatusCode.NotFound],
            answers.Select(a => a.Status));
        var audit = await _api.Factory.Services.GetRequiredService<ISecurityEventStore>().ListAsync(DateTimeOffset.MinValue, 1000);
        Assert.Contains(_log.Entries, e => e.Contains("/api/patients/patient-9", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Code == SecurityEventCodes.AccessDenied);
        foreach (var said in answers.Select(a => a.Body).Concat(_log.Entries).Concat(audit.Select(e => $"{e.Request} {e.Detail}")))
        {
            Assert.DoesNotContain(Phi, phi => said.Contains(phi, StringComparison.Ordinal));
        }
    }

    public void Dispose() => _api.Dispose();

    /// <summary>Everything the host logs, at every level: messages, their structured values, scopes and exceptions.</summary>
    private sealed class Log : ILoggerProvider
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(Log log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                log.Entries.Enqueue($"scope {Describe(state)}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Entries.Enqueue($"{formatter(state, exception)} {Describe(state)} {exception}");

            private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))
                : state?.ToString() ?? "";
        }
    }
}
