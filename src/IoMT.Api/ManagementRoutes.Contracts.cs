using IoMT.Core.Adherence;
using IoMT.Core.Devices;
using IoMT.Core.Escalation;
using IoMT.Core.Mapping;
using IoMT.Core.Patients;
using IoMT.Core.Users;

namespace IoMT.Api;

/// <summary>
/// What a management route takes and gives, for the OpenAPI document: its JSON request body (if any, and whether it may be
/// left out), its success status
/// and body type, and that body's media type. Every route can also answer problem details.
/// </summary>
public sealed record RouteContract(Type? Request, int Status, Type? Response, string ResponseContentType = "application/json", bool OptionalRequest = false);

public static partial class ManagementRoutes
{
    /// <summary>The contract of every route in <see cref="LocalHost"/>, by route name (a test checks none is missing).</summary>
    public static IReadOnlyDictionary<string, RouteContract> Contracts { get; } = new Dictionary<string, RouteContract>(StringComparer.Ordinal)
    {
        ["GetMe"] = Ok<CallerView>(),
        ["ExportPatientFhir"] = new(null, StatusCodes.Status200OK, typeof(System.Text.Json.Nodes.JsonObject), "application/fhir+json"),
        ["ListPatients"] = Ok<IReadOnlyList<PatientSummary>>(),
        ["GetPatientTimeline"] = Ok<IReadOnlyList<TimelineItem>>(),
        ["SavePatient"] = Ok<PatientRecord>(typeof(PatientRequest)),
        ["GetPatient"] = Ok<PatientRecord>(),
        ["SaveClinicalSettings"] = Ok<ClinicalSettingsView>(typeof(ClinicalSettingsRequest)),
        ["GetClinicalSettings"] = Ok<ClinicalSettingsView>(),
        ["GetClinicalSettingsHistory"] = Ok<IReadOnlyList<ClinicalSettingsChangeView>>(),
        ["SaveMedicationSchedule"] = Ok<ScheduleView>(typeof(ScheduleRequest)),
        ["GetAdherence"] = Ok<AdherenceView>(),
        ["RegisterDevice"] = Created<DeviceView>(typeof(DeviceRegistration)),
        ["ImportDevices"] = Ok<ImportSummary>(typeof(List<DeviceRegistration>)),
        ["ExportDeviceCredentials"] = Ok<IReadOnlyList<DeviceCredentialsView>>(typeof(CredentialsRequest)),
        ["ListDevices"] = Ok<DevicePageView>(),
        ["GetDevice"] = Ok<DeviceView>(),
        ["GetDeviceHistory"] = Ok<IReadOnlyList<DeviceChange>>(),
        ["DisableDevice"] = Ok<DeviceView>(),
        ["EnableDevice"] = Ok<DeviceView>(),
        ["RotateDeviceKeys"] = Ok<DeviceView>(typeof(RotateKeysRequest)) with { OptionalRequest = true },
        ["DeleteDevice"] = Ok<DeviceView>(),
        ["BindDevice"] = Ok<DeviceView>(typeof(BindRequest)),
        ["UnbindDevice"] = Ok<DeviceView>(typeof(BindRequest)) with { OptionalRequest = true },
        ["GetDeviceCredentials"] = Ok<DeviceCredentialsView>(),
        ["GetDeviceTwin"] = Ok<DeviceTwinView>(),
        ["PatchDeviceTwin"] = Ok<DeviceTwinView>(typeof(TwinPatchRequest)),
        ["CreateEnrollmentGroup"] = Created<EnrollmentGroupView>(typeof(EnrollmentGroupRequest)),
        ["ListEnrollmentGroups"] = Ok<IReadOnlyList<EnrollmentGroupView>>(),
        ["GetEnrollmentGroupCredentials"] = Ok<EnrollmentGroupCredentials>(),
        ["ListAlerts"] = Ok<IReadOnlyList<AlertView>>(),
        ["GetAlert"] = Ok<AlertDetail>(),
        ["AcknowledgeAlert"] = Ok<AlertView>(),
        ["ResolveAlert"] = Ok<AlertView>(typeof(ResolveRequest)) with { OptionalRequest = true },
        ["SnoozeAlert"] = Ok<AlertView>(typeof(SnoozeRequest)),
        ["AddAlertNote"] = Created<AlertView>(typeof(NoteRequest)),
        ["UploadMapping"] = Created<MappingVersionView>(typeof(MappingUploadRequest)),
        ["ListMappings"] = Ok<IReadOnlyList<MappingVersionView>>(),
        ["ActivateMapping"] = Ok<MappingVersionView>(typeof(MappingActivationRequest)),
        ["DeactivateMapping"] = Ok<MappingScope>(typeof(MappingScopeRequest)),
        ["ListUsers"] = Ok<IReadOnlyList<UserView>>(),
        ["GetUser"] = Ok<UserView>(),
        ["SaveUser"] = Ok<UserView>(typeof(UserRequest)),
        ["DisableUser"] = Ok<UserView>(),
        ["EnableUser"] = Ok<UserView>(),
        ["ListUserTokens"] = Ok<IReadOnlyList<TokenView>>(),
        ["IssueUserToken"] = Created<IssuedToken>(typeof(TokenRequest)),
        ["RevokeUserToken"] = Ok<TokenView>(),
        ["GetUserHistory"] = Ok<IReadOnlyList<UserChange>>(),
    };

    private static RouteContract Ok<T>(Type? request = null) => new(request, StatusCodes.Status200OK, typeof(T));

    private static RouteContract Created<T>(Type request) => new(request, StatusCodes.Status201Created, typeof(T));
}

/// <summary>Who the API takes the caller for (<c>GET /me</c>).</summary>
public sealed record CallerView(string Id, IReadOnlyList<string> Roles, IReadOnlyList<string> CareTeams, string? Manufacturer);
