using System.Text.Json.Nodes;
using IoMT.Infra.Tests.Arm;
using IoMT.Infra.Tests.Bicep;
using IoMT.Testing;

namespace IoMT.Infra.Tests;

/// <summary>
/// The enablePrivateNetworking option (azd: IOMT_ENABLE_PRIVATE_NETWORKING): off, nothing of a network is deployed;
/// on, the app is integrated into a subnet and reaches Storage, Cosmos DB and Event Hubs through private endpoints while
/// their public access is off (Event Hubs: trusted Azure services only, for IoT Hub).
/// </summary>
[Collection(BicepBuildGroup.Name)]
public class PrivateNetworkingTests(CompiledInfrastructure infrastructure)
{
    [Fact]
    public void ParametersFile_TakesTheOptionFromTheAzdEnvironment_OffByDefault()
    {
        // Arrange
        var parameters = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("infra", "main.parameters.json")))!["parameters"]!;

        // Act
        var value = (string?)parameters["enablePrivateNetworking"]?["value"];

        // Assert
        Assert.Equal("${IOMT_ENABLE_PRIVATE_NETWORKING=false}", value);
    }

    [BicepFact]
    public void PublicDeployment_DeploysNoNetwork_AndLeavesTheDataServicesReachable()
    {
        // Arrange
        var deployment = infrastructure.Deploy(privateNetworking: false);

        // Act
        var network = deployment.Resources.Where(r => r.Type.StartsWith("Microsoft.Network/", StringComparison.Ordinal)).ToList();

        // Assert
        Assert.Empty(network);
        Assert.DoesNotContain("network", deployment.Deployments);
        Assert.Empty(deployment.OfType("Microsoft.EventHub/namespaces/networkRuleSets"));
        Assert.Null(deployment.Single("Microsoft.Web/sites").At("properties.virtualNetworkSubnetId"));
        Assert.Equal("Enabled", deployment.Single("Microsoft.Storage/storageAccounts").StringAt("properties.publicNetworkAccess"));
        Assert.Equal("Allow", deployment.Single("Microsoft.Storage/storageAccounts").StringAt("properties.networkAcls.defaultAction"));
        Assert.Equal("Enabled", deployment.Single("Microsoft.DocumentDB/databaseAccounts").StringAt("properties.publicNetworkAccess"));
    }

    [BicepFact]
    public void PrivateDeployment_IntegratesTheAppIntoASubnetDelegatedToFlexConsumption()
    {
        // Arrange
        var deployment = infrastructure.Deploy(privateNetworking: true);

        // Act
        var vnet = deployment.Single("Microsoft.Network/virtualNetworks");
        var site = deployment.Single("Microsoft.Web/sites");

        // Assert
        Assert.Equal(ArmValue.Reference(vnet.Id, "subnets[0].id"), site.StringAt("properties.virtualNetworkSubnetId"));
        Assert.Equal("functions", vnet.StringAt("properties.subnets[0].name"));
        Assert.Equal("Microsoft.App/environments", vnet.StringAt("properties.subnets[0].properties.delegations[0].properties.serviceName"));
        Assert.Equal("10.40.0.0/24", vnet.StringAt("properties.subnets[0].properties.addressPrefix"));
        Assert.Equal("10.40.1.0/24", vnet.StringAt("properties.subnets[1].properties.addressPrefix"));
        Assert.Equal(["10.40.0.0/16"], vnet.At("properties.addressSpace.addressPrefixes")!.AsArray().Select(p => (string)p!));
    }

    [BicepFact]
    public void PrivateDeployment_ReachesStorageCosmosAndEventHubsThroughPrivateEndpointsWithTheirDnsZones()
    {
        // Arrange
        var deployment = infrastructure.Deploy(privateNetworking: true);
        var vnet = deployment.Single("Microsoft.Network/virtualNetworks");
        var expected = new (string Type, string Group, string Zone)[]
        {
            ("Microsoft.Storage/storageAccounts", "blob", "privatelink.blob.core.windows.net"),
            ("Microsoft.Storage/storageAccounts", "queue", "privatelink.queue.core.windows.net"),
            ("Microsoft.Storage/storageAccounts", "table", "privatelink.table.core.windows.net"),
            ("Microsoft.DocumentDB/databaseAccounts", "Sql", "privatelink.documents.azure.com"),
            ("Microsoft.EventHub/namespaces", "namespace", "privatelink.servicebus.windows.net"),
        };

        // Act
        var endpoints = deployment.OfType("Microsoft.Network/privateEndpoints").ToList();
        var zoneGroups = deployment.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").ToList();
        var zones = deployment.OfType("Microsoft.Network/privateDnsZones").ToList();
        var links = deployment.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").ToList();

        // Assert
        Assert.Equal(expected.Length, endpoints.Count);
        foreach (var (type, group, zone) in expected)
        {
            var target = deployment.Single(type);
            var endpoint = Assert.Single(endpoints, e => e.StringAt("properties.privateLinkServiceConnections[0].properties.privateLinkServiceId") == target.Id
                && e.StringAt("properties.privateLinkServiceConnections[0].properties.groupIds[0]") == group);
            Assert.Equal(ArmValue.Reference(vnet.Id, "subnets[1].id"), endpoint.StringAt("properties.subnet.id"));
            var dnsZone = Assert.Single(zones, z => z.Name == zone);
            var zoneGroup = Assert.Single(zoneGroups, g => g.Name == $"{endpoint.Name}/default");
            Assert.Equal(dnsZone.Id, zoneGroup.StringAt("properties.privateDnsZoneConfigs[0].properties.privateDnsZoneId"));
            var link = Assert.Single(links, l => l.Name.StartsWith(zone + "/", StringComparison.Ordinal));
            Assert.Equal(vnet.Id, link.StringAt("properties.virtualNetwork.id"));
        }
    }

    [BicepFact]
    public void PrivateDeployment_TurnsPublicAccessOff_ExceptWhereIoTHubOrDevicesNeedIt()
    {
        // Arrange
        var deployment = infrastructure.Deploy(privateNetworking: true);

        // Act
        var storage = deployment.Single("Microsoft.Storage/storageAccounts");
        var cosmos = deployment.Single("Microsoft.DocumentDB/databaseAccounts");
        var rules = deployment.Single("Microsoft.EventHub/namespaces/networkRuleSets");
        var subnet = ArmValue.Reference(deployment.Single("Microsoft.Network/virtualNetworks").Id, "subnets[0].id");

        // Assert
        Assert.Equal("Disabled", storage.StringAt("properties.publicNetworkAccess"));
        Assert.Equal("Deny", storage.StringAt("properties.networkAcls.defaultAction"));
        Assert.Equal("Disabled", cosmos.StringAt("properties.publicNetworkAccess"));
        Assert.Equal($"{deployment.Single("Microsoft.EventHub/namespaces").Name}/default", rules.Name);
        Assert.Equal("Deny", rules.StringAt("properties.defaultAction"));
        Assert.Equal(true, (bool?)rules.At("properties.trustedServiceAccessEnabled"));
        Assert.Equal(subnet, rules.StringAt("properties.virtualNetworkRules[0].subnet.id"));
        // Devices reach IoT Hub and DPS over the internet, with their own credentials.
        Assert.Equal("Enabled", deployment.Single("Microsoft.Devices/IotHubs").StringAt("properties.publicNetworkAccess"));
        Assert.Equal("Enabled", deployment.Single("Microsoft.Devices/provisioningServices").StringAt("properties.publicNetworkAccess"));
    }
}
