using System.Reflection;
using IoMT.Core.Access;
using IoMT.Core.Alerts;
using IoMT.Core.Api;
using IoMT.Core.Telemetry;
using IoMT.Testing;

namespace IoMT.Core.Tests;

/// <summary>The documents users rely on name everything the code can produce.</summary>
public class DocumentationTests
{
    [Fact]
    public void TelemetryDoc_ExplainsEveryErrorCode()
    {
        var doc = File.ReadAllText(RepositoryPaths.Combine("docs", "telemetry.md"));
        Assert.All(KnownErrorCodes.All, code => Assert.Contains($"| `{code}` |", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void TelemetryDoc_ListsEveryKind()
    {
        var doc = File.ReadAllText(RepositoryPaths.Combine("docs", "telemetry.md"));

        Assert.All(ReadingKinds.Catalog, kind => Assert.Contains($"| `{kind.ContractName}` |", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void AlertsDoc_ListsEveryDefaultRuleWithItsSource()
    {
        var doc = File.ReadAllText(RepositoryPaths.Combine("docs", "alerts.md"));

        Assert.All(DefaultAlertRules.All, rule => Assert.Contains($"| `{rule.Id}` | {rule.Title} |", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void ApiDoc_ExplainsEveryErrorCodeAndRole()
    {
        var doc = File.ReadAllText(RepositoryPaths.Combine("docs", "api.md"));
        var codes = typeof(ApiError).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetValue(null)!);

        Assert.All(codes, code => Assert.Contains($"| `{code}` |", doc, StringComparison.Ordinal));
        Assert.All(Roles.All, role => Assert.Contains($"`{role.Name()}`", doc, StringComparison.Ordinal));
    }
}
