using Xunit;

namespace IoMT.Testing;

/// <summary>
/// A fact that needs a tool installed outside .NET (Node.js packages, Chromium…). On a developer machine without the
/// tool it is skipped with a reason that says how to install it; under CI (<c>CI=true</c>) it always
/// runs, so a missing tool fails loudly instead of passing silently.
/// </summary>
public abstract class RequiresToolFactAttribute : FactAttribute
{
    protected RequiresToolFactAttribute(bool available, string howToInstall)
    {
        if (!available && !IsCi)
        {
            Skip = howToInstall;
        }
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Needs tests/schema-validator/node_modules (Ajv and the fhir package).</summary>
public sealed class SchemaValidatorFactAttribute() : RequiresToolFactAttribute(
    SchemaValidator.IsInstalled,
    "Needs Node.js, Ajv and fhir: run `npm ci --prefix tests/schema-validator` (`dotnet test` at the repository root does).");
