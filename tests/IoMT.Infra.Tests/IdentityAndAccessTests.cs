using System.Text.RegularExpressions;
using IoMT.Infra.Tests.Arm;
using IoMT.Infra.Tests.Bicep;

namespace IoMT.Infra.Tests;

/// <summary>
/// Every data-plane call the Functions app makes (src/IoMT.Functions, IoMT.Storage.Cosmos, IoMT.Notifications) is made
/// with its user-assigned identity, to the resource its setting names, which grants that identity a role that allows the
/// call; no setting carries a key; every service that can refuse keys refuses them. Checked on the compiled templates.
/// </summary>
[Collection(BicepBuildGroup.Name)]
public partial class IdentityAndAccessTests(CompiledInfrastructure infrastructure)
{
    [BicepFact]
    public void FunctionApp_RunsAsItsUserAssignedIdentityOnly_AndNamesItToEverySdk()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var site = deployment.Single("Microsoft.Web/sites");
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var identity = AppIdentity(deployment);
        var clientId = ArmValue.Reference(identity.Id, "clientId");

        // Assert
        Assert.Equal("UserAssigned", site.StringAt("identity.type"));
        Assert.StartsWith("id-func-", identity.Name, StringComparison.Ordinal);
        Assert.Equal(clientId, (string?)settings["AZURE_CLIENT_ID"]);
        Assert.Equal(clientId, (string?)settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal(clientId, (string?)settings["EventHubs__clientId"]);
        Assert.Equal($"ClientId={clientId};Authorization=AAD", (string?)settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Equal(identity.Id, site.StringAt("properties.keyVaultReferenceIdentity"));
        Assert.Equal("UserAssignedIdentity", site.StringAt("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal(identity.Id, site.StringAt("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
    }

    [BicepFact]
    public void CosmosSettings_NameTheAccountAndDatabase_WhereTheAppHasTheBuiltInDataContributorRole()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var account = Target(deployment, "Microsoft.DocumentDB/databaseAccounts", (string)settings["Cosmos__AccountEndpoint"]!);
        var grants = deployment.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
            .Where(g => g.StringAt("properties.principalId") == AppPrincipal(deployment)).ToList();

        // Assert
        Assert.Equal(ArmValue.Reference(account.Id, "documentEndpoint"), (string?)settings["Cosmos__AccountEndpoint"]);
        Assert.Contains(deployment.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases"), d => d.Name == $"{account.Name}/{(string?)settings["Cosmos__DatabaseName"]}");
        var grant = Assert.Single(grants);
        Assert.Equal($"{account.Id}/sqlRoleDefinitions/{Role.CosmosDataContributor}", grant.StringAt("properties.roleDefinitionId"));
        Assert.Equal(account.Id, grant.StringAt("properties.scope"));
    }

    [BicepFact]
    public void EventHubsSettings_NameTheHubAndConsumerGroup_InANamespaceWhereTheAppMayReceive()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var space = Target(deployment, "Microsoft.EventHub/namespaces", (string)settings["EventHubs__fullyQualifiedNamespace"]!);

        // Assert
        // The namespace's host name, cut out of its service bus endpoint (https://<namespace>.servicebus.windows.net:443/).
        Assert.Equal(ArmValue.Unknown($"replace(replace(reference({space.Id}).serviceBusEndpoint, 'https://', ''), ':443/', '')"), (string?)settings["EventHubs__fullyQualifiedNamespace"]);
        Assert.Contains(deployment.OfType("Microsoft.EventHub/namespaces/eventhubs/consumergroups"),
            g => g.Name == $"{space.Name}/{(string?)settings["EventHubName"]}/{(string?)settings["EventHubConsumerGroup"]}");
        AssertGranted(deployment, AppPrincipal(deployment), $"{space.Id}/eventhubs/{(string?)settings["EventHubName"]}", Role.EventHubsDataReceiver, Role.EventHubsDataOwner);
    }

    [BicepFact]
    public void HostStorageSetting_NamesTheAccount_WhereTheAppHasBlobQueueAndTableRoles()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var account = Target(deployment, "Microsoft.Storage/storageAccounts", (string)settings["AzureWebJobsStorage__accountName"]!);

        // Assert: host leases and keys (blobs), the Durable task hub (queues, tables, blobs), Event Hubs checkpoints (blobs).
        AssertGranted(deployment, AppPrincipal(deployment), account.Id, Role.StorageBlobDataOwner);
        AssertGranted(deployment, AppPrincipal(deployment), account.Id, Role.StorageQueueDataContributor);
        AssertGranted(deployment, AppPrincipal(deployment), account.Id, Role.StorageTableDataContributor);
    }

    [BicepFact]
    public void DeadLetterAndPackageContainers_AreInAnAccountWhereTheAppMayWriteBlobs()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);
        var site = deployment.Single("Microsoft.Web/sites");

        // Act
        var urls = new[] { (string)settings["Ingestion__DeadLetterContainerUri"]!, site.StringAt("properties.functionAppConfig.deployment.storage.value")! };

        // Assert
        Assert.Equal("blobContainer", site.StringAt("properties.functionAppConfig.deployment.storage.type"));
        Assert.All(urls, url =>
        {
            var account = Target(deployment, "Microsoft.Storage/storageAccounts", url);
            var container = url[ArmValue.Reference(account.Id, "primaryEndpoints.blob").Length..];
            Assert.StartsWith(ArmValue.Reference(account.Id, "primaryEndpoints.blob"), url, StringComparison.Ordinal);
            Assert.Contains(deployment.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => c.Name == $"{account.Name}/default/{container}");
            AssertGranted(deployment, AppPrincipal(deployment), $"{account.Id}/blobServices/default/containers/{container}", Role.StorageBlobDataOwner, Role.StorageBlobDataContributor);
        });
    }

    [BicepFact]
    public void IoTHubSetting_NamesTheHub_WhereTheAppMayManageDevices()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var hub = Target(deployment, "Microsoft.Devices/IotHubs", (string)settings["Devices__IoTHubHostName"]!);

        // Assert: RegistryManager adds, updates and reads devices, and reads twins and writes their desired properties.
        Assert.Equal(ArmValue.Reference(hub.Id, "hostName"), (string?)settings["Devices__IoTHubHostName"]);
        AssertGranted(deployment, AppPrincipal(deployment), hub.Id, Role.IotHubRegistryContributor, Role.IotHubDataContributor);
        AssertGranted(deployment, AppPrincipal(deployment), hub.Id, Role.IotHubTwinContributor, Role.IotHubDataContributor);
    }

    [BicepFact]
    public void IoTHub_TheAppMaySendCloudToDeviceMessagesAndReceiveTheirFeedback()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var hub = Target(deployment, "Microsoft.Devices/IotHubs", (string)settings["Devices__IoTHubHostName"]!);

        // Assert: ServiceClient needs cloudToDeviceMessages/send/action and cloudToDeviceMessages/feedback/action, which of
        // the built-in roles only IoT Hub Data Contributor (Microsoft.Devices/IotHubs/*) grants.
        AssertGranted(deployment, AppPrincipal(deployment), hub.Id, Role.IotHubDataContributor);
    }

    [BicepFact]
    public void DpsSettings_NameTheService_WhereTheAppMayManageEnrollmentGroups()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var dps = Target(deployment, "Microsoft.Devices/provisioningServices", (string)settings["Devices__DpsServiceHostName"]!);

        // Assert: DpsEnrollmentGroups puts enrollment groups with a token for https://azure-devices-provisioning.net.
        Assert.Equal(ArmValue.Reference(dps.Id, "serviceOperationsHostName"), (string?)settings["Devices__DpsServiceHostName"]);
        Assert.Equal(ArmValue.Reference(dps.Id, "idScope"), (string?)settings["Devices__DpsIdScope"]);
        AssertGranted(deployment, AppPrincipal(deployment), dps.Id, Role.DpsDataContributor);
    }

    [BicepFact]
    public void KeyVaultReferences_NameTheVault_WhereTheAppMayReadSecrets()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var references = settings.Select(s => (string?)s.Value ?? "").Where(v => v.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal)).ToList();

        // Assert
        Assert.NotEmpty(references);
        Assert.All(references, reference =>
        {
            var vault = Target(deployment, "Microsoft.KeyVault/vaults", reference);
            Assert.Equal(true, (bool?)vault.At("properties.enableRbacAuthorization"));
            AssertGranted(deployment, AppPrincipal(deployment), vault.Id, Role.KeyVaultSecretsUser, Role.KeyVaultSecretsOfficer);
        });
    }

    [BicepFact]
    public void ApplicationInsights_TakesTheAppsTelemetryByIdentity()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var settings = DeploymentContractTests.AppSettings(deployment);

        // Act
        var component = Target(deployment, "Microsoft.Insights/components", (string)settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]!);

        // Assert
        Assert.Equal(ArmValue.Reference(component.Id, "ConnectionString"), (string?)settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        AssertGranted(deployment, AppPrincipal(deployment), component.Id, Role.MonitoringMetricsPublisher);
    }

    [BicepFact]
    public void IoTHubRouteAndDpsLink_UseTheHubIdentity_WhichHoldsTheirRoles()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var hub = deployment.Single("Microsoft.Devices/IotHubs");
        var dps = deployment.Single("Microsoft.Devices/provisioningServices");

        // Act
        var identity = Assert.Single(hub.At("identity.userAssignedIdentities")!.AsObject()).Key;
        var principal = ArmValue.Reference(identity, "principalId");
        var endpoint = hub.At("properties.routing.endpoints.eventHubs[0]")!;
        var space = Target(deployment, "Microsoft.EventHub/namespaces", (string)endpoint["endpointUri"]!);
        var link = dps.At("properties.iotHubs[0]")!;

        // Assert
        Assert.NotEqual(AppIdentity(deployment).Id, identity);
        Assert.Equal("identityBased", (string?)endpoint["authenticationType"]);
        Assert.Equal(identity, (string?)endpoint["identity"]!["userAssignedIdentity"]);
        Assert.StartsWith("sb://", (string?)endpoint["endpointUri"]);
        Assert.Contains(deployment.OfType("Microsoft.EventHub/namespaces/eventhubs"), h => h.Name == $"{space.Name}/{(string?)endpoint["entityPath"]}");
        Assert.Equal(["telemetry"], hub.At("properties.routing.routes[0].endpointNames")!.AsArray().Select(n => (string)n!));
        AssertGranted(deployment, principal, space.Id, Role.EventHubsDataSender);

        Assert.Equal("UserAssigned", (string?)link["authenticationType"]);
        Assert.Equal(identity, (string?)link["selectedUserAssignedIdentityResourceId"]);
        Assert.Equal(ArmValue.Reference(hub.Id, "hostName"), (string?)link["hostName"]);
        Assert.Null(link["connectionString"]);
        AssertGranted(deployment, principal, hub.Id, Role.IotHubDataContributor);
    }

    /// <summary>Role assignments take effect before IoT Hub validates its route, DPS its link, and the app starts.</summary>
    [BicepFact]
    public void RoleAssignments_AreDeployedBeforeTheServicesThatNeedThem()
    {
        // Arrange
        var deployment = infrastructure.Deploy();
        var modules = CompiledInfrastructure.ResourcesOf(infrastructure.Main).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments")
            .ToDictionary(r => (string)r["name"]!, r => (r["dependsOn"]?.AsArray() ?? []).Select(d => (string)d!).ToList());
        var dps = deployment.Single("Microsoft.Devices/provisioningServices");

        // Act
        var dpsRole = deployment.OfType("Microsoft.Authorization/roleAssignments")
            .Single(r => r.StringAt("properties.roleDefinitionId")!.EndsWith(Role.IotHubDataContributor, StringComparison.Ordinal)
                && r.StringAt("properties.principalId") != AppPrincipal(deployment));

        // Assert
        Assert.Contains(modules["iothub"], d => d.Contains("'Microsoft.Resources/deployments', 'roles')", StringComparison.Ordinal));
        Assert.Contains(modules["function"], d => d.Contains("'Microsoft.Resources/deployments', 'roles')", StringComparison.Ordinal));
        Assert.Contains(dpsRole.Id, dps.DependsOn);
    }

    [BicepFact]
    public void EveryRoleAssignment_IsNamedByScopePrincipalAndRole()
    {
        // Arrange
        var deployment = infrastructure.Deploy(communicationServices: true, privateNetworking: true);

        // Act
        var azure = deployment.OfType("Microsoft.Authorization/roleAssignments").ToList();
        var cosmos = deployment.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList();

        // Assert
        Assert.True(azure.Count + cosmos.Count >= 10, $"Only {azure.Count + cosmos.Count} role assignments.");
        Assert.All(azure, a => Assert.Equal(
            ArmValue.Guid(a.StringAt("scope"), a.StringAt("properties.principalId"), a.StringAt("properties.roleDefinitionId")!.Split('/')[^1]),
            a.Name));
        Assert.All(cosmos, a =>
        {
            var account = a.Name.Split('/')[0];
            Assert.Equal(
                $"{account}/{ArmValue.Guid(a.StringAt("properties.scope"), a.StringAt("properties.principalId"), a.StringAt("properties.roleDefinitionId")!.Split('/')[^1])}",
                a.Name);
        });
    }

    [BicepFact]
    public void EveryRoleAssignment_GoesToTheAppTheHubOrTheDeployer_WithAKnownRole()
    {
        // Arrange
        var deployment = infrastructure.Deploy(communicationServices: true, privateNetworking: true);
        var hubIdentity = Assert.Single(deployment.Single("Microsoft.Devices/IotHubs").At("identity.userAssignedIdentities")!.AsObject()).Key;
        var principals = new Dictionary<string, string>
        {
            [AppPrincipal(deployment)] = "ServicePrincipal",
            [ArmValue.Reference(hubIdentity, "principalId")] = "ServicePrincipal",
            [CompiledInfrastructure.DeployerPrincipalId] = "User",
        };

        // Act
        var assignments = deployment.OfType("Microsoft.Authorization/roleAssignments").ToList();
        var withoutDeployer = infrastructure.Deploy(principalId: "").Resources
            .Where(r => r.Type.EndsWith("roleAssignments", StringComparison.OrdinalIgnoreCase) && r.StringAt("properties.principalId") is "" or null).ToList();

        // Assert
        Assert.All(assignments, a =>
        {
            Assert.True(principals.TryGetValue(a.StringAt("properties.principalId")!, out var type), $"{a}: unknown principal {a.StringAt("properties.principalId")}");
            Assert.Equal(type, a.StringAt("properties.principalType"));
            Assert.Contains(a.StringAt("properties.roleDefinitionId")!.Split('/')[^1], Role.All);
        });
        Assert.Empty(withoutDeployer);
    }

    [BicepFact]
    public void AppSettings_NameIdentitiesAndEndpoints_NeverKeysOrConnectionStrings()
    {
        // Arrange
        var settings = DeploymentContractTests.AppSettings(infrastructure.Deploy(communicationServices: true, privateNetworking: true));
        var connections = settings.Select(s => s.Key).Where(k => k.EndsWith("__credential", StringComparison.Ordinal)).Select(k => k[..^"__credential".Length]).ToList();

        // Act
        var secrets = settings.Where(s => Secret().IsMatch((string?)s.Value ?? "")).Select(s => s.Key).ToList();

        // Assert
        Assert.Empty(secrets);
        Assert.Equal(["AzureWebJobsStorage", "EventHubs"], connections.Order());
        Assert.All(connections, connection =>
        {
            Assert.Equal("managedidentity", (string?)settings[$"{connection}__credential"]);
            Assert.NotNull(settings[$"{connection}__clientId"]);
            Assert.Contains(settings, s => s.Key.StartsWith($"{connection}__", StringComparison.Ordinal)
                && IdentityConnectionProperty().IsMatch(s.Key[(connection.Length + 2)..]));
            // A setting named exactly like the connection would be a connection string, which the host would prefer.
            Assert.False(settings.ContainsKey(connection), $"{connection} is a connection string");
        });
    }

    [BicepFact]
    public void EveryServiceThatCanRefuseKeys_RefusesThem()
    {
        // Arrange
        var deployment = infrastructure.Deploy(communicationServices: true, privateNetworking: true);
        var expected = new (string Type, string Path, bool Value)[]
        {
            ("Microsoft.EventHub/namespaces", "properties.disableLocalAuth", true),
            ("Microsoft.DocumentDB/databaseAccounts", "properties.disableLocalAuth", true),
            ("Microsoft.DocumentDB/databaseAccounts", "properties.disableKeyBasedMetadataWriteAccess", true),
            ("Microsoft.Devices/IotHubs", "properties.disableLocalAuth", true),
            ("Microsoft.Devices/IotHubs", "properties.disableModuleSAS", true),
            // Devices authenticate with their own keys (per-device SAS or keys derived from their enrollment group).
            ("Microsoft.Devices/IotHubs", "properties.disableDeviceSAS", false),
            ("Microsoft.Devices/provisioningServices", "properties.disableLocalAuth", true),
            ("Microsoft.Insights/components", "properties.DisableLocalAuth", true),
            ("Microsoft.OperationalInsights/workspaces", "properties.features.disableLocalAuth", true),
            ("Microsoft.Storage/storageAccounts", "properties.allowSharedKeyAccess", false),
            ("Microsoft.Storage/storageAccounts", "properties.defaultToOAuthAuthentication", true),
            ("Microsoft.KeyVault/vaults", "properties.enableRbacAuthorization", true),
            ("Microsoft.Communication/communicationServices", "properties.disableLocalAuth", true),
        };

        // Act
        var wrong = expected
            .Select(e => (e.Type, e.Path, e.Value, Actual: (bool?)deployment.Single(e.Type).At(e.Path)))
            .Where(e => e.Actual != e.Value)
            .Select(e => $"{e.Type} {e.Path} is {e.Actual?.ToString() ?? "not set"}, not {e.Value}")
            .ToList();
        var publishing = deployment.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        // Assert
        Assert.Empty(wrong);
        Assert.Equal(2, publishing.Count);
        Assert.All(publishing, p => Assert.Equal(false, (bool?)p.At("properties.allow")));
    }

    [BicepFact]
    public void NoTemplate_ReadsKeysOrConnectionStrings()
    {
        // Arrange
        var deployment = infrastructure.Deploy(communicationServices: true, privateNetworking: true);

        // Act
        var readers = deployment.Resources.Where(r => KeyRead().IsMatch(r.Body.ToJsonString())).Select(r => r.Id).ToList();

        // Assert
        Assert.Empty(readers);
        Assert.DoesNotMatch(KeyRead(), deployment.Outputs.ToJsonString());
    }

    [BicepFact]
    public void CommunicationServices_KeysOff_TheAppSendsWithItsIdentity()
    {
        // Arrange
        var deployment = infrastructure.Deploy(communicationServices: true, privateNetworking: true);

        // Act
        var communication = deployment.Single("Microsoft.Communication/communicationServices");

        // Assert
        Assert.Equal(true, (bool?)communication.At("properties.disableLocalAuth"));
        AssertGranted(deployment, AppPrincipal(deployment), communication.Id, Role.CommunicationAndEmailServiceOwner);
    }

    private static ArmResource AppIdentity(ArmDeployment deployment)
    {
        var site = deployment.Single("Microsoft.Web/sites");
        var id = Assert.Single(site.At("identity.userAssignedIdentities")!.AsObject()).Key;
        var identity = deployment.ById(id);
        Assert.True(identity is { Type: "Microsoft.ManagedIdentity/userAssignedIdentities" }, $"The site's identity {id} is not deployed here.");
        return identity;
    }

    private static string AppPrincipal(ArmDeployment deployment) => ArmValue.Reference(AppIdentity(deployment).Id, "principalId");

    /// <summary>The one resource of a type that a setting value names: by its run-time properties, name or vault name.</summary>
    private static ArmResource Target(ArmDeployment deployment, string type, string value)
    {
        var matches = deployment.OfType(type).Where(r => value.Contains($"reference({r.Id})", StringComparison.OrdinalIgnoreCase)
            || value == r.Name || value.Contains($"VaultName={r.Name};", StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"'{value}' names {matches.Count} resources of type {type}.");
        return matches[0];
    }

    /// <summary>Fails unless the principal holds one of the roles on the resource or a scope above it.</summary>
    private static void AssertGranted(ArmDeployment deployment, string principal, string resourceId, params string[] roles)
    {
        var grants = deployment.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.StringAt("properties.principalId") == principal)
            .Select(a => (Scope: a.StringAt("scope")!, Role: a.StringAt("properties.roleDefinitionId")!.Split('/')[^1]))
            .ToList();
        Assert.True(
            grants.Any(g => roles.Contains(g.Role) && (string.Equals(g.Scope, resourceId, StringComparison.OrdinalIgnoreCase) || resourceId.StartsWith(g.Scope + "/", StringComparison.OrdinalIgnoreCase))),
            $"{principal} has none of the roles {string.Join(", ", roles)} on {resourceId}; it has: {string.Join("; ", grants)}");
    }

    [GeneratedRegex(@"AccountKey=|SharedAccessKey|SharedAccessSignature|[?&]sig=|Password=|listKeys|listConnectionStrings", RegexOptions.IgnoreCase)]
    private static partial Regex Secret();

    [GeneratedRegex(@"^(fullyQualifiedNamespace|accountName|serviceUri|(blob|queue|table)ServiceUri|accountEndpoint)$")]
    private static partial Regex IdentityConnectionProperty();

    [GeneratedRegex(@"list(Keys|ConnectionStrings|AccountSas|ServiceSas|Secrets|Credentials?)\(|AccountKey=|SharedAccessKey=", RegexOptions.IgnoreCase)]
    private static partial Regex KeyRead();
}

/// <summary>Built-in Azure role definition ids (and Cosmos DB's SQL data role) the deployment grants.</summary>
public static class Role
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string EventHubsDataReceiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";
    public const string EventHubsDataSender = "2b629674-e913-4c01-ae53-ef4638d8f975";
    public const string EventHubsDataOwner = "f526a384-b230-433a-b45c-95f59c4a2dec";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    public const string IotHubRegistryContributor = "4ea46cd5-c1b2-4a8e-910b-273211f9ce47";
    public const string IotHubDataContributor = "4fc6c259-987e-4a07-842e-c321cc9d413f";
    public const string IotHubTwinContributor = "494bdba2-168f-4f31-a0a1-191d2f7c028c";
    public const string DpsDataContributor = "dfce44e4-17b7-4bd1-a6d1-04996ec95633";
    /// <summary>Lets an Entra identity send e-mail and SMS through Communication Services.</summary>
    public const string CommunicationAndEmailServiceOwner = "09976791-48a7-449e-bb21-39d1a415f350";
    /// <summary>Cosmos DB Built-in Data Contributor: a Cosmos DB SQL role definition, not an Azure RBAC role.</summary>
    public const string CosmosDataContributor = "00000000-0000-0000-0000-000000000002";

    public static IReadOnlyList<string> All { get; } =
    [
        StorageBlobDataOwner, StorageBlobDataContributor, StorageQueueDataContributor, StorageTableDataContributor,
        EventHubsDataReceiver, EventHubsDataSender, EventHubsDataOwner, KeyVaultSecretsUser, KeyVaultSecretsOfficer,
        MonitoringMetricsPublisher, IotHubRegistryContributor, IotHubDataContributor, IotHubTwinContributor, DpsDataContributor,
        CommunicationAndEmailServiceOwner,
    ];
}
