using System.Text.Json.Nodes;

namespace IoMT.Cli.Tests;

public sealed class UsersCommandTests : IDisposable
{
    private const string Api = "http://localhost";
    private readonly LocalHostCli _cli = new();

    [Fact]
    public async Task Users_SaveListDisableEnableHistory()
    {
        var saved = await _cli.RunAsync(_cli.Admin, "users", "save", "nurse-9", "--roles", "nurse,physician", "--care-teams", "ward-9", "--api", Api);
        var disabled = await _cli.RunAsync(_cli.Admin, "users", "disable", "nurse-9", "--api", Api);
        var listed = await _cli.RunAsync(_cli.Admin, "users", "list", "--api", Api);
        var enabled = await _cli.RunAsync(_cli.Admin, "users", "enable", "nurse-9", "--api", Api);
        var shown = await _cli.RunAsync(_cli.Admin, "users", "get", "nurse-9", "--api", Api);
        var history = await _cli.RunAsync(_cli.Admin, "users", "history", "nurse-9", "--json", "--api", Api);

        Assert.Equal((0, "Saved nurse-9: nurse, physician; care teams ward-9."), (saved.ExitCode, saved.Output.Trim()));
        Assert.Equal(("Disabled nurse-9.", "Enabled nurse-9."), (disabled.Output.Trim(), enabled.Output.Trim()));
        Assert.Matches(@"nurse-9\s+nurse, physician\s+ward-9\s+disabled", listed.Output);
        Assert.False((bool)JsonNode.Parse(shown.Output)!["disabled"]!);
        Assert.Equal(["user.enabled", "user.disabled", "user.saved"],
            history.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => (string)JsonNode.Parse(line)!["action"]!));
    }

    [Fact]
    public async Task Tokens_IssueListRevoke_SecretOnStandardOutputOnly()
    {
        var issued = await _cli.RunAsync(_cli.Admin, "tokens", "issue", "--user", "nurse-7", "--label", "ward laptop", "--days", "7", "--api", Api);
        var secret = issued.Output.Trim();
        var signedIn = await _cli.RunAsync(secret, "users", "list", "--api", Api);
        var listed = await _cli.RunAsync(_cli.Admin, "tokens", "list", "--user", "nurse-7", "--json", "--api", Api);
        var id = JsonNode.Parse(listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!["id"]!.ToString();
        var revoked = await _cli.RunAsync(_cli.Admin, "tokens", "revoke", id, "--user", "nurse-7", "--api", Api);
        var again = await _cli.RunAsync(_cli.Admin, "tokens", "revoke", id, "--user", "nurse-7", "--api", Api);

        Assert.Equal(0, issued.ExitCode);
        Assert.StartsWith("iomt_", secret, StringComparison.Ordinal);
        Assert.Contains($"Issued token {id} 'ward laptop' for nurse-7, valid until ", issued.Error, StringComparison.Ordinal);
        Assert.Contains("403 auth.forbidden", signedIn.Error, StringComparison.Ordinal);
        Assert.Equal(2, listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain(secret, listed.Output, StringComparison.Ordinal);
        Assert.Equal((0, $"Revoked token {id} of nurse-7."), (revoked.ExitCode, revoked.Output.Trim()));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("404 token.not-found", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_NotAnAdmin_Exit1WithTheApisCode()
    {
        var (exitCode, _, error) = await _cli.RunAsync(_cli.Nurse, "users", "list", "--api", Api);

        Assert.Equal(1, exitCode);
        Assert.Contains("403 auth.forbidden", error, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
