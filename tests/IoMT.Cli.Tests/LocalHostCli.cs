using IoMT.Core.Access;
using IoMT.Core.Patients;
using IoMT.Local.Tests;
using IoMT.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Cli.Tests;

/// <summary>The real local host in process, and `iomt` talking to it: an admin, a device maker, a ward-7 nurse and physician.</summary>
internal sealed class LocalHostCli : IDisposable
{
    public LocalHostCli()
    {
        Http = Host.Server.CreateHandler();
        var directory = Host.Services.GetRequiredService<SqliteDirectory>();
        directory.SaveAsync(new PatientRecord("patient-1", ["ward-7"])).GetAwaiter().GetResult();
        Admin = File.ReadAllText(Path.Combine(Host.DataDirectory, "admin.token")).Trim();
        Maker = Issue(directory, new LocalUser("acme", [Role.DeviceMaker], [], "Acme Medical"));
        Nurse = Issue(directory, new LocalUser("nurse-7", [Role.Nurse], ["ward-7"]));
        Physician = Issue(directory, new LocalUser("physician-7", [Role.Physician], ["ward-7"]));
    }

    public LocalHostFactory Host { get; } = new();

    public HttpMessageHandler Http { get; }

    public TempDirectory Files { get; } = new();

    public string Admin { get; }

    public string Maker { get; }

    public string Nurse { get; }

    public string Physician { get; }

    public async Task<(int ExitCode, string Output, string Error)> RunAsync(string token, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync([.. args, "--token", token], new CliEnvironment(TextReader.Null, output, error, Http, Variables: CliRunner.NoVariables));
        return (exitCode, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        Http.Dispose();
        Host.Dispose();
        Files.Dispose();
    }

    private static string Issue(SqliteDirectory directory, LocalUser user)
    {
        directory.SaveUserAsync(user).GetAwaiter().GetResult();
        return directory.IssueTokenAsync(user.Id, "test", DateTimeOffset.UtcNow).GetAwaiter().GetResult();
    }
}
