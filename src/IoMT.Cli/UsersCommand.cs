using System.CommandLine;
using System.Text.Json.Nodes;
using IoMT.Client;
using IoMT.Core.Validation;
using static IoMT.Cli.ApiAnswers;

namespace IoMT.Cli;

/// <summary>
/// <c>iomt users list|get|save|disable|enable|history</c> and <c>iomt tokens list|issue|revoke</c>: the local host's
/// users and their API tokens through the management API (admins only; <c>--api</c>, token from <c>--token</c> or
/// <c>IOMT_TOKEN</c>). In Azure, people and their roles live in Entra ID instead.
/// </summary>
internal static class UsersCommand
{
    public static Command CreateUsers(CliEnvironment environment) => new("users", "Manage the local host's users (admins only).")
    {
        ListUsers(environment),
        Get(environment),
        Save(environment),
        SetDisabled(environment, "disable", "Disable a user: their tokens stop working and their live streams end.", "Disabled"),
        SetDisabled(environment, "enable", "Enable a disabled user.", "Enabled"),
        History(environment),
    };

    public static Command CreateTokens(CliEnvironment environment) => new("tokens", "Issue, list and revoke users' API tokens (admins only).")
    {
        ListTokens(environment),
        Issue(environment),
        Revoke(environment),
    };

    private static Command ListUsers(CliEnvironment environment)
    {
        var (api, token, json) = (ApiOptions.Api(), ApiOptions.Token(), JsonOption());
        var command = new Command("list", "List users.") { json, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            await ListAsync(await client.GetAsync("api/users", cancellationToken).ConfigureAwait(false), parseResult.GetValue(json), environment,
                ["ID", "ROLES", "CARE TEAMS", "STATUS"],
                user => [(string)user["id"]!, Join(user["roles"]), Join(user["careTeams"]), (bool)user["disabled"]! ? "disabled" : "enabled"]).ConfigureAwait(false)));
        return command;
    }

    private static Command Get(CliEnvironment environment)
    {
        var (api, token, id) = (ApiOptions.Api(), ApiOptions.Token(), UserArgument());
        var command = new Command("get", "Show one user as JSON.") { id, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            await ReportAsync(await client.GetAsync(UserPath(parseResult.GetValue(id)!), cancellationToken).ConfigureAwait(false), environment,
                body => body.ToJsonString(CliJson.Options)).ConfigureAwait(false)));
        return command;
    }

    private static Command Save(CliEnvironment environment)
    {
        var (api, token, id) = (ApiOptions.Api(), ApiOptions.Token(), UserArgument());
        var roles = new Option<string>("--roles") { Description = "Roles, comma-separated: care-coordinator, nurse, physician, device-maker, admin.", Required = true };
        var careTeams = new Option<string>("--care-teams") { Description = "Care teams, comma-separated (clinicians see these teams' patients)." };
        var manufacturer = new Option<string>("--manufacturer") { Description = "A device maker's manufacturer." };
        var command = new Command("save", "Create a user or replace their roles, care teams and manufacturer.") { id, roles, careTeams, manufacturer, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var response = await client.PutAsync(UserPath(parseResult.GetValue(id)!), new
            {
                roles = List(parseResult.GetValue(roles)),
                careTeams = List(parseResult.GetValue(careTeams)),
                manufacturer = parseResult.GetValue(manufacturer),
            }, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(response, environment, body =>
                $"Saved {body["id"]}: {Join(body["roles"])}{(body["careTeams"]!.AsArray().Count > 0 ? "; care teams " + Join(body["careTeams"]) : "")}.").ConfigureAwait(false);
        }));
        return command;
    }

    private static Command SetDisabled(CliEnvironment environment, string name, string description, string done)
    {
        var (api, token, id) = (ApiOptions.Api(), ApiOptions.Token(), UserArgument());
        var command = new Command(name, description) { id, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            await ReportAsync(await client.PostAsync($"{UserPath(parseResult.GetValue(id)!)}/{name}", null, cancellationToken).ConfigureAwait(false), environment,
                body => $"{done} {body["id"]}.").ConfigureAwait(false)));
        return command;
    }

    private static Command History(CliEnvironment environment)
    {
        var (api, token, id, json) = (ApiOptions.Api(), ApiOptions.Token(), UserArgument(), JsonOption());
        var command = new Command("history", "Every change to a user and their tokens, newest first, with who made it.") { id, json, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            await ListAsync(await client.GetAsync($"{UserPath(parseResult.GetValue(id)!)}/history", cancellationToken).ConfigureAwait(false), parseResult.GetValue(json),
                environment, ["AT", "BY", "ACTION", "DETAIL"],
                change => [Rfc3339.Format((DateTimeOffset)change["at"]!), (string)change["actor"]!, (string)change["action"]!, (string)change["detail"]!]).ConfigureAwait(false)));
        return command;
    }

    private static Command ListTokens(CliEnvironment environment)
    {
        var (api, token, user, json) = (ApiOptions.Api(), ApiOptions.Token(), UserOption(), JsonOption());
        var command = new Command("list", "List a user's tokens (ids and labels; secrets are never shown again).") { user, json, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            await ListAsync(await client.GetAsync($"{UserPath(parseResult.GetValue(user)!)}/tokens", cancellationToken).ConfigureAwait(false), parseResult.GetValue(json),
                environment, ["ID", "LABEL", "ISSUED", "EXPIRES"],
                t => [(string)t["id"]!, (string)t["label"]!, Rfc3339.Format((DateTimeOffset)t["createdAt"]!), t["expiresAt"] is { } e ? Rfc3339.Format((DateTimeOffset)e) : "never"])
                .ConfigureAwait(false)));
        return command;
    }

    /// <summary>Prints the new secret alone on standard output (for scripts), what it is on standard error.</summary>
    private static Command Issue(CliEnvironment environment)
    {
        var (api, token, user) = (ApiOptions.Api(), ApiOptions.Token(), UserOption());
        var label = new Option<string>("--label") { Description = "What the token is for (e.g. the device or script using it).", Required = true };
        var days = new Option<int?>("--days") { Description = "Days it works, 1–365. Default: 90." };
        var command = new Command("issue", "Issue a token for a user; its secret is printed this once.") { user, label, days, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
        {
            var response = await client.PostAsync($"{UserPath(parseResult.GetValue(user)!)}/tokens",
                new { label = parseResult.GetValue(label), expiresInDays = parseResult.GetValue(days) }, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return await FailAsync(response, environment).ConfigureAwait(false);
            }

            var body = response.Body!;
            await environment.Error.WriteLineAsync(
                $"Issued token {body["id"]} '{body["label"]}' for {parseResult.GetValue(user)}, valid until {Rfc3339.Format((DateTimeOffset)body["expiresAt"]!)}. Keep it secret: it is not shown again.")
                .ConfigureAwait(false);
            await environment.Output.WriteLineAsync((string)body["token"]!).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Revoke(CliEnvironment environment)
    {
        var (api, token, user) = (ApiOptions.Api(), ApiOptions.Token(), UserOption());
        var id = new Argument<string>("TOKEN-ID") { Description = "The token's id (tokens list)." };
        var command = new Command("revoke", "Revoke a token: it stops working at once, and live streams opened with it end.") { id, user, api, token };
        command.SetAction((parseResult, cancellationToken) => ApiOptions.WithClientAsync(parseResult, api, token, environment, async client =>
            await ReportAsync(await client.DeleteAsync($"{UserPath(parseResult.GetValue(user)!)}/tokens/{Uri.EscapeDataString(parseResult.GetValue(id)!)}", cancellationToken)
                .ConfigureAwait(false), environment, body => $"Revoked token {body["id"]} of {parseResult.GetValue(user)}.").ConfigureAwait(false)));
        return command;
    }

    private static async Task<int> ListAsync(ApiResponse response, bool json, CliEnvironment environment, string[] headers, Func<JsonNode, IReadOnlyList<string>> row)
    {
        if (!response.IsSuccess)
        {
            return await FailAsync(response, environment).ConfigureAwait(false);
        }

        var items = response.Body!.AsArray().Select(item => item!).ToList();
        if (json)
        {
            foreach (var item in items)
            {
                await environment.Output.WriteLineAsync(item.ToJsonString()).ConfigureAwait(false);
            }
        }
        else
        {
            await TextTable.WriteAsync(environment.Output, headers, [.. items.Select(row)]).ConfigureAwait(false);
        }

        return 0;
    }

    private static string UserPath(string userId) => $"api/users/{Uri.EscapeDataString(userId)}";

    private static string[] List(string? commaSeparated) => commaSeparated?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static string Join(JsonNode? names) => string.Join(", ", names!.AsArray().Select(n => (string)n!));

    private static Argument<string> UserArgument() => new("ID") { Description = "User id." };

    private static Option<string> UserOption() => new("--user") { Description = "The user the tokens belong to.", Required = true };

    private static Option<bool> JsonOption() => new("--json") { Description = "One JSON object per line instead of a table." };
}
