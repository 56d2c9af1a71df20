using System.Text.Json;
using IoMT.Testing;

namespace IoMT.Cli.Tests;

public class ValidateCommandTests
{
    private const string ReceivedAt = "2026-11-21T08:30:10Z";

    [Fact]
    public async Task Validate_JsonlFromStdin_OneExactLinePerInputLine()
    {
        var valid = new TelemetryMessage("oximeter-0042", "m-1").Spo2(95).ToString();
        var partial = new TelemetryMessage("oximeter-0042", "m-2").Spo2(95).Spo2(140).ToString();
        var wrapped = $$"""{"authenticatedDeviceId":"bp-cuff-0090","body":{{new TelemetryMessage("oximeter-0042", "m-3").Spo2(95)}}}""";
        var input = string.Join('\n', valid, partial, wrapped, valid, "{not json", "");

        var (exitCode, output, _) = await CliRunner.RunWithInputAsync(input, null, "validate", "--received-at", ReceivedAt, "-");

        var lines = CliRunner.Lines(output);
        Assert.Equal(0, exitCode);
        Assert.Equal(5, lines.Length);
        Assert.Equal("""{"line":1,"status":"accepted","accepted":1,"rejected":[]}""", lines[0]);
        Assert.StartsWith("""{"line":2,"status":"partial","accepted":1,"rejected":[{"index":1,"code":"value.out-of-range","pointer":"/readings/1/value","message":""", lines[1], StringComparison.Ordinal);
        Assert.Equal(("rejected", "device.mismatch", -1), Summary(lines[2]));
        Assert.Equal(("duplicate", "message.duplicate", -1), Summary(lines[3]));
        Assert.Equal(("rejected", "json.malformed", -1), Summary(lines[4]));
    }

    [Fact]
    public async Task Validate_WithContextFile_DeviceAndBindingChecks()
    {
        using var directory = new TempDirectory();
        var context = directory.Write("context.json", """
            {
              "devices": [ { "id": "oximeter-0042", "status": "enabled" }, { "id": "bp-cuff-0090", "status": "disabled" } ],
              "bindings": [ { "deviceId": "oximeter-0042", "patientId": "patient-1", "from": "2026-11-21T08:00:00Z", "to": null } ]
            }
            """);
        var messages = directory.Write("messages.jsonl", string.Join('\n',
            new TelemetryMessage("oximeter-0042").Spo2(95).ToString(),
            new TelemetryMessage("oximeter-0042").Spo2(95, new DateTimeOffset(2026, 11, 21, 7, 0, 0, TimeSpan.Zero)).ToString(),
            new TelemetryMessage("bp-cuff-0090").BloodPressure(120, 80).ToString(),
            new TelemetryMessage("thermometer-9").Temperature(37).ToString()));

        var (exitCode, output, _) = await CliRunner.RunAsync(null, "validate", "--context", context, "--received-at", ReceivedAt, messages);

        var lines = CliRunner.Lines(output);
        Assert.Equal(0, exitCode);
        Assert.Equal("""{"line":1,"status":"accepted","accepted":1,"rejected":[]}""", lines[0]);
        Assert.Equal(("rejected", "binding.none", 0), Summary(lines[1]));
        Assert.Equal(("rejected", "device.disabled", -1), Summary(lines[2]));
        Assert.Equal(("rejected", "device.unknown", -1), Summary(lines[3]));
    }

    [Fact]
    public async Task Validate_WithoutReceivedAt_UsesTheClock()
    {
        var input = new TelemetryMessage().Spo2(95).ToString();

        var (_, output, _) = await CliRunner.RunWithInputAsync(input, null, "validate", "-");

        // The example reading is dated 2026-11-21; checked against the real clock it is either accepted or too old, never an error of the tool.
        var status = JsonDocument.Parse(CliRunner.Lines(output)[0]).RootElement.GetProperty("status").GetString();
        Assert.Contains(status, new[] { "accepted", "rejected" });
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("validate", "--received-at", "yesterday", "-")]
    [InlineData("validate", "--received-at", "2026-11-21T08:30:00", "-")]
    [InlineData("validate", "no-such-file.jsonl")]
    [InlineData("validate", "--context", "no-such-context.json", "-")]
    public async Task Validate_UsageErrors_Exit2(params string[] args)
    {
        var (exitCode, _, error) = await CliRunner.RunAsync(null, args);

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Validate_InvalidContextFile_Exit2NamingTheProblem()
    {
        using var directory = new TempDirectory();
        var context = directory.Write("context.json", """{ "devices": [ { "id": "x", "status": "broken" } ] }""");

        var (exitCode, _, error) = await CliRunner.RunAsync(null, "validate", "--context", context, "-");

        Assert.Equal(CliApp.UsageError, exitCode);
        Assert.Contains("status must be 'enabled' or 'disabled'", error, StringComparison.Ordinal);
    }

    private static (string Status, string Code, int Index) Summary(string line)
    {
        var root = JsonDocument.Parse(line).RootElement;
        var first = root.GetProperty("rejected")[0];
        return (root.GetProperty("status").GetString()!, first.GetProperty("code").GetString()!, first.GetProperty("index").GetInt32());
    }
}
