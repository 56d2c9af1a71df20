using System.Text;
using System.Text.Json.Nodes;

namespace IoMT.Cli.Tests;

public sealed class DevicesCommandTests : IDisposable
{
    private const string Api = "http://localhost/";
    private readonly LocalHostCli _cli = new();

    [Fact]
    public async Task Lifecycle_RegisterGetDisableEnableRotateBindUnbind()
    {
        var registered = await _cli.RunAsync(_cli.Maker, "devices", "register", "--id", "ox-1", "--model", "PulseOx 2", "--kinds", "spo2,heartRate", "--api", Api);
        var disabled = await _cli.RunAsync(_cli.Maker, "devices", "disable", "ox-1", "--api", Api);
        var enabled = await _cli.RunAsync(_cli.Maker, "devices", "enable", "ox-1", "--api", Api);
        var rotated = await _cli.RunAsync(_cli.Maker, "devices", "rotate-keys", "ox-1", "--key", "secondary", "--api", Api);
        var bound = await _cli.RunAsync(_cli.Nurse, "devices", "bind", "ox-1", "--patient", "patient-1", "--at", "2026-11-21T08:00:00Z", "--api", Api);
        var shown = await _cli.RunAsync(_cli.Nurse, "devices", "get", "ox-1", "--api", Api);
        var unbound = await _cli.RunAsync(_cli.Nurse, "devices", "unbind", "ox-1", "--api", Api);

        Assert.Equal("Registered ox-1 (Acme Medical PulseOx 2: spo2, heartRate), enabled.", registered.Output.Trim());
        Assert.Equal(("Disabled ox-1.", "Enabled ox-1."), (disabled.Output.Trim(), enabled.Output.Trim()));
        Assert.Equal("Rotated the secondary key of ox-1.", rotated.Output.Trim());
        Assert.Equal("Bound ox-1 to patient-1.", bound.Output.Trim());
        Assert.Equal("patient-1", (string?)JsonNode.Parse(shown.Output)!["patientId"]);
        Assert.Equal((0, "Unbound ox-1."), (unbound.ExitCode, unbound.Output.Trim()));
    }

    [Fact]
    public async Task Refusal_Exit1WithTheApisCode()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Nurse, "devices", "register", "--id", "ox-1", "--model", "m", "--kinds", "spo2", "--api", Api);

        Assert.Equal(1, exitCode);
        Assert.Contains("403 auth.forbidden", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_CsvWithABadRow_ProgressSummaryInvalidRowsExit1_RerunNoOp_CredentialsOwnerOnly()
    {
        var csv = new StringBuilder("id,model,kinds\n");
        foreach (var i in Enumerable.Range(0, 1200))
        {
            csv.Append(i == 700 ? "bad id,BP Cuff 7,bloodPressure\n" : $"cuff-{i:D4},BP Cuff 7,bloodPressure;heartRate\n");
        }

        var file = _cli.Files.Write("devices.csv", csv.ToString());
        var credentials = Path.Combine(_cli.Files.Path, "credentials.csv");

        var first = await _cli.RunAsync(_cli.Maker, "devices", "import", file, "--out", credentials, "--api", Api);
        var again = await _cli.RunAsync(_cli.Maker, "devices", "import", file, "--api", Api);

        Assert.Equal(1, first.ExitCode);
        Assert.EndsWith("[##############################] 1,200/1,200 rows", first.Error.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("1,199    0         1        1,200", first.Output, StringComparison.Ordinal);
        Assert.Contains("701  bad id  /700/id", first.Output, StringComparison.Ordinal);
        Assert.Contains("0        1,199     1        1,200", again.Output, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(credentials);
        Assert.Equal(1200, lines.Length);
        Assert.StartsWith("cuff-0000,localhost,HostName=localhost;DeviceId=cuff-0000;SharedAccessKey=", lines[1], StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        }
    }

    [Fact]
    public async Task List_TableOfDevicesWithTheirPatients()
    {
        await _cli.RunAsync(_cli.Maker, "devices", "register", "--id", "ox-1", "--model", "PulseOx 2", "--kinds", "spo2", "--api", Api);
        await _cli.RunAsync(_cli.Maker, "devices", "register", "--id", "ox-2", "--model", "PulseOx 2", "--kinds", "spo2", "--api", Api);
        await _cli.RunAsync(_cli.Admin, "devices", "bind", "ox-2", "--patient", "patient-1", "--api", Api);

        var (exitCode, output, _) = await _cli.RunAsync(_cli.Admin, "devices", "list", "--kind", "spo2", "--api", Api);

        var lines = CliRunner.Lines(output);
        Assert.Equal(0, exitCode);
        Assert.Equal("ID    MODEL                   STATUS   PATIENT    LAST SEEN", lines[0]);
        Assert.Equal("ox-1  Acme Medical PulseOx 2  enabled  -          never", lines[1]);
        Assert.Equal("ox-2  Acme Medical PulseOx 2  enabled  patient-1  never", lines[2]);
    }

    [Fact]
    public async Task Export_Group_DerivedKeysComputedOfflineMatchTheGroupsKeys()
    {
        var created = await new Client.ManagementClient(new HttpClient(_cli.Http, disposeHandler: false) { BaseAddress = new Uri(Api), DefaultRequestHeaders = { Authorization = new("Bearer", _cli.Maker) } })
            .PostAsync("api/enrollment-groups", new { id = "acme-cuffs", model = "BP Cuff 7", kinds = new[] { "bloodPressure" } }, CancellationToken.None);
        var ids = _cli.Files.Write("ids.txt", "bp-000001\nbp-000002\n");

        var (exitCode, output, _) = await _cli.RunAsync(_cli.Maker, "devices", "export", "--group", "acme-cuffs", "--ids-file", ids, "--out", "-", "--api", Api);

        var lines = CliRunner.Lines(output);
        Assert.True(created.IsSuccess);
        Assert.Equal(0, exitCode);
        Assert.Equal("registrationId,idScope,provisioningHost,primaryKey,secondaryKey", lines[0]);
        var fields = lines[1].Split(',');
        Assert.Equal("bp-000001", fields[0]);
        Assert.Matches("^0ne[0-9A-F]{8}$", fields[1]);
        Assert.Equal(44, fields[3].Length);
        Assert.NotEqual(fields[3], lines[2].Split(',')[3]);
    }

    [Fact]
    public async Task Export_WithoutOut_UsageError()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Maker, "devices", "export", "ox-1", "--api", Api);

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("--out", error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
