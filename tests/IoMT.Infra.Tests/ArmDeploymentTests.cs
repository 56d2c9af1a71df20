using System.Text.Json.Nodes;
using IoMT.Infra.Tests.Arm;

namespace IoMT.Infra.Tests;

/// <summary>The ARM simulation the infrastructure tests rely on, on small templates written here.</summary>
public class ArmDeploymentTests
{
    private static readonly Dictionary<string, JsonNode?> NoParameters = [];

    [Fact]
    public void Run_NestedDeployment_PassesParametersAndReadsItsOutputs()
    {
        // Arrange
        var template = Template("""
            {
              "parameters": { "prefix": { "type": "string", "defaultValue": "st" } },
              "resources": [
                { "type": "Microsoft.Resources/deployments", "apiVersion": "2025-04-01", "name": "inner",
                  "properties": { "expressionEvaluationOptions": { "scope": "inner" }, "mode": "Incremental",
                    "parameters": { "name": { "value": "[format('{0}{1}', parameters('prefix'), 'one')]" } },
                    "template": {
                      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                      "parameters": { "name": { "type": "string" } },
                      "resources": [ { "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2026-09-01", "name": "[parameters('name')]" } ],
                      "outputs": { "blob": { "type": "string", "value": "[reference(resourceId('Microsoft.Storage/storageAccounts', parameters('name')), '2026-09-01').primaryEndpoints.blob]" } }
                    } } }
              ],
              "outputs": { "url": { "type": "string", "value": "[format('{0}dead', reference(resourceId('Microsoft.Resources/deployments', 'inner'), '2025-04-01').outputs.blob.value)]" } }
            }
            """);

        // Act
        var deployment = ArmDeployment.Run(template, NoParameters);

        // Assert
        var account = Assert.Single(deployment.Resources);
        Assert.Equal("stone", account.Name);
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-00000000abcd/resourceGroups/rg-simulated/providers/Microsoft.Storage/storageAccounts/stone", account.Id);
        Assert.Equal($"{ArmValue.Reference(account.Id, "primaryEndpoints.blob")}dead", (string?)deployment.Outputs["url"]!["value"]);
    }

    [Fact]
    public void Run_CopyLoopAndCondition_DeployEachItemWhoseConditionHolds()
    {
        // Arrange
        var template = Template("""
            {
              "parameters": { "names": { "type": "array", "defaultValue": ["a", "b", "c"] } },
              "resources": [
                { "copy": { "name": "loop", "count": "[length(parameters('names'))]" }, "condition": "[not(equals(parameters('names')[copyIndex()], 'b'))]",
                  "type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2024-11-30", "name": "[parameters('names')[copyIndex()]]" }
              ]
            }
            """);

        // Act
        var deployment = ArmDeployment.Run(template, NoParameters);

        // Assert
        Assert.Equal(["a", "c"], deployment.Resources.Select(r => r.Name));
    }

    [Fact]
    public void Run_RunTimeValues_StaySymbolicThroughFunctions_AndListsOfThemKeepTheirLength()
    {
        // Arrange
        var template = Template("""
            {
              "variables": { "id": "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'x'), '2024-11-30').principalId]" },
              "resources": [],
              "outputs": {
                "lower": { "type": "string", "value": "[toLower(variables('id'))]" },
                "count": { "type": "int", "value": "[length(createArray(variables('id'), 'y'))]" },
                "merged": { "type": "object", "value": "[union(createObject('a', 1, 'b', 2), createObject('b', variables('id')))]" },
                "name": { "type": "string", "value": "[guid('scope', variables('id'))]" }
              }
            }
            """);

        // Act
        var outputs = ArmDeployment.Run(template, NoParameters).Outputs;

        // Assert
        var id = ArmValue.Reference("/subscriptions/00000000-0000-0000-0000-00000000abcd/resourceGroups/rg-simulated/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x", "principalId");
        Assert.Equal(ArmValue.Unknown($"toLower({ArmValue.SymbolicText(id)})"), (string?)outputs["lower"]!["value"]);
        Assert.Equal(2, (long?)outputs["count"]!["value"]);
        Assert.Equal(1, (long?)outputs["merged"]!["value"]!["a"]);
        Assert.Equal(id, (string?)outputs["merged"]!["value"]!["b"]);
        Assert.Equal(ArmValue.Guid("scope", id), (string?)outputs["name"]!["value"]);
        Assert.False(ArmValue.IsKnown(outputs["merged"]));
    }

    [Fact]
    public void Run_UnknownFunction_FailsNamingIt()
    {
        // Arrange
        var template = Template("""{ "resources": [], "outputs": { "x": { "type": "string", "value": "[someNewFunction('a')]" } } }""");

        // Act
        var error = Assert.Throws<NotSupportedException>(() => ArmDeployment.Run(template, NoParameters));

        // Assert
        Assert.Contains("somenewfunction", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[concat('a', '[b]')]", "a[b]")]
    [InlineData("[[literal]", "[literal]")]
    [InlineData("[format('{0}-{1}', 'x', 12)]", "x-12")]
    [InlineData("[cidrSubnet('10.40.0.0/16', 24, 3)]", "10.40.3.0/24")]
    [InlineData("[replace(toUpper('ab'), 'B', 'c')]", "Ac")]
    public void Run_StringExpression_EvaluatesAsResourceManagerDoes(string expression, string expected)
    {
        // Arrange
        var template = new JsonObject { ["resources"] = new JsonArray(), ["outputs"] = new JsonObject { ["x"] = new JsonObject { ["type"] = "string", ["value"] = expression } } };

        // Act
        var outputs = ArmDeployment.Run(template, NoParameters).Outputs;

        // Assert
        Assert.Equal(expected, (string?)outputs["x"]!["value"]);
    }

    private static JsonObject Template(string json)
    {
        var template = JsonNode.Parse(json)!.AsObject();
        template["$schema"] ??= "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
        return template;
    }
}
