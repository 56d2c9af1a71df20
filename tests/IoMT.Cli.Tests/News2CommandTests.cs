using System.Text.Json;

namespace IoMT.Cli.Tests;

public class News2CommandTests
{
    [Fact]
    public async Task News2_CompleteObservations_ExactReport()
    {
        const string Input = """{"respiratoryRate":22,"spo2":95,"spo2Scale":1,"onOxygen":true,"systolic":105,"pulse":115,"consciousness":"A","temperature":38.5}""";

        var (exitCode, output, _) = await CliRunner.RunWithInputAsync(Input, null, "news2", "-");

        Assert.Equal(0, exitCode);
        Assert.Equal(
            """{"total":9,"scores":{"respiratoryRate":2,"spo2":1,"onOxygen":2,"systolic":1,"pulse":2,"consciousness":0,"temperature":1},"singleParameter3":false,"band":"high","complete":true}""",
            CliRunner.Lines(output)[0]);
    }

    [Theory]
    [InlineData("""{"respiratoryRate":16,"spo2":97,"onOxygen":false,"systolic":120,"pulse":72,"consciousness":"A","temperature":37}""", 0, "low")]
    [InlineData("""{"respiratoryRate":16,"spo2":97,"onOxygen":false,"systolic":120,"pulse":72,"consciousness":"C","temperature":37}""", 3, "low-medium")]
    [InlineData("""{"respiratoryRate":22,"spo2":95,"onOxygen":false,"systolic":105,"pulse":95,"consciousness":"A","temperature":37}""", 5, "medium")]
    [InlineData("""{"respiratoryRate":16,"spo2":89,"spo2Scale":2,"onOxygen":false,"systolic":120,"pulse":72,"consciousness":"A","temperature":37}""", 0, "low")]
    public async Task News2_Bands(string input, int total, string band)
    {
        var (_, output, _) = await CliRunner.RunWithInputAsync(input, null, "news2", "-");

        var root = JsonDocument.Parse(CliRunner.Lines(output)[0]).RootElement;
        Assert.Equal((total, band), (root.GetProperty("total").GetInt32(), root.GetProperty("band").GetString()));
    }

    [Fact]
    public async Task News2_MissingParameters_NullScoresAndIncomplete()
    {
        var (_, output, _) = await CliRunner.RunWithInputAsync("""{"spo2":91}""", null, "news2", "-");

        var root = JsonDocument.Parse(CliRunner.Lines(output)[0]).RootElement;
        Assert.Equal(3, root.GetProperty("total").GetInt32());
        Assert.False(root.GetProperty("complete").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("scores").GetProperty("pulse").ValueKind);
    }

    [Theory]
    [InlineData("{oops", "json.malformed", "")]
    [InlineData("[1]", "schema.type", "")]
    [InlineData("""{"spo2":"95"}""", "schema.type", "/spo2")]
    [InlineData("""{"spo2":120}""", "value.out-of-range", "/spo2")]
    [InlineData("""{"spo2Scale":3}""", "value.invalid", "/spo2Scale")]
    [InlineData("""{"consciousness":"X"}""", "value.invalid", "/consciousness")]
    [InlineData("""{"onOxygen":"yes"}""", "schema.type", "/onOxygen")]
    public async Task News2_BadLine_ErrorObjectAndContinues(string line, string code, string pointer)
    {
        var (exitCode, output, _) = await CliRunner.RunWithInputAsync(line + "\n" + """{"pulse":72}""", null, "news2", "-");

        var lines = CliRunner.Lines(output);
        var error = JsonDocument.Parse(lines[0]).RootElement.GetProperty("error");
        Assert.Equal(0, exitCode);
        Assert.Equal((code, pointer), (error.GetProperty("code").GetString(), error.GetProperty("pointer").GetString()));
        Assert.Equal(2, lines.Length);
    }
}
