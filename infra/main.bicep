// IoMT.Cloud in one resource group: devices → IoT Hub (+ DPS) → Event Hubs → Functions (Flex Consumption, Durable)
// → Cosmos DB. Every data-plane access is by managed identity and Azure RBAC; local (key) auth is off wherever the
// service allows it. docs/deploy.md explains every parameter, the roles and the costs.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Required. Name of the azd environment; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Required. Azure region of every resource (one with Flex Consumption, IoT Hub and Cosmos DB).')
param location string

@description('Optional. Object id of the deploying user or pipeline: gets Key Vault Secrets Officer (the hooks write secrets) and Cosmos DB data access for local debugging. Empty: none.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Optional. Kind of principalId: User for a person, ServicePrincipal for a pipeline.')
param principalType string = 'User'

@allowed(['S1', 'S2', 'S3'])
@description('Optional. IoT Hub tier. S1: 400,000 messages/day per unit; S2: 6 million; S3: 300 million.')
param iotHubSku string = 'S1'

@minValue(1)
@maxValue(200)
@description('Optional. IoT Hub units of the chosen tier: up to 200 for S1 and S2, up to 10 for S3.')
param iotHubUnits int = 1

@minValue(1)
@maxValue(32)
@description('Optional. Partitions of the telemetry event hub: the most Functions instances that read it in parallel. Fixed once created on Standard.')
param eventHubPartitionCount int = 4

@minValue(1)
@maxValue(40)
@description('Optional. Event Hubs Standard throughput units at start (1 TU: 1 MB/s or 1,000 events/s in).')
param eventHubsThroughputUnits int = 1

@minValue(1)
@maxValue(40)
@description('Optional. Most throughput units auto-inflate may grow to.')
param eventHubsMaxThroughputUnits int = 4

@allowed(['serverless', 'provisioned'])
@description('Optional. Cosmos DB capacity: serverless (pay per request unit) or provisioned autoscale throughput shared by the database.')
param cosmosCapacityMode string = 'serverless'

@minValue(1000)
@description('Optional. Autoscale maximum RU/s of the database when cosmosCapacityMode is provisioned (scales between 10% and this).')
param cosmosMaxThroughput int = 4000

@minValue(40)
@maxValue(1000)
@description('Optional. Most Flex Consumption instances the Functions app scales out to.')
param functionMaximumInstances int = 100

@allowed([2048, 4096])
@description('Optional. Memory of each Functions instance in MB.')
param functionInstanceMemoryMB int = 2048

@minValue(0)
@maxValue(20)
@description('Optional. Instances kept warm for the ingestion function (no cold start on the alert path).')
param ingestAlwaysReady int = 1

@minValue(0)
@maxValue(20)
@description('Optional. Instances kept warm for the Durable orchestrations and activities (escalation timers fire without a cold start).')
param durableAlwaysReady int = 1

@description('Optional. Application (client) id of the Entra app registration that signs care staff in to the console and API (the preprovision hook creates it). Empty: App Service Authentication refuses every request to the API.')
param authClientId string = ''

@description('Optional. Create Azure Communication Services (e-mail and SMS notification channels).')
param enableCommunicationServices bool = false

@allowed(['United States', 'Europe', 'UK', 'Australia', 'Japan', 'France', 'Switzerland', 'Germany', 'Norway', 'Canada', 'India', 'Asia Pacific', 'Africa', 'Brazil', 'Korea', 'UAE'])
@description('Optional. Where Communication Services keeps its data at rest.')
param communicationDataLocation string = 'United States'

@description('Optional. Zone-redundant storage and Event Hubs; turn off only in a region without availability zones.')
param zoneRedundant bool = true

@description('Optional. Integrate the Functions app into a virtual network and reach Storage, Cosmos DB and Event Hubs through private endpoints, with their public access off (Event Hubs admits trusted Azure services only, for IoT Hub). Devices still reach IoT Hub and DPS over the internet.')
param enablePrivateNetworking bool = false

@description('Optional. Address space of the virtual network when enablePrivateNetworking is true.')
param vnetAddressPrefix string = '10.40.0.0/16'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var resourceGroupName = '${abbrs.resourcesResourceGroups}${environmentName}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module identities 'app/identities.bicep' = {
  name: 'identities'
  scope: rg
  params: {
    location: location
    tags: tags
    appIdentityName: '${abbrs.managedIdentityUserAssignedIdentities}func-${resourceToken}'
    hubIdentityName: '${abbrs.managedIdentityUserAssignedIdentities}iot-${resourceToken}'
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    zoneRedundant: zoneRedundant
    publicNetworkAccess: enablePrivateNetworking ? 'Disabled' : 'Enabled'
  }
}

module eventHubs 'app/eventhubs.bicep' = {
  name: 'eventhubs'
  scope: rg
  params: {
    location: location
    tags: tags
    namespaceName: '${abbrs.eventHubNamespaces}${resourceToken}'
    partitionCount: eventHubPartitionCount
    throughputUnits: eventHubsThroughputUnits
    maxThroughputUnits: eventHubsMaxThroughputUnits
    zoneRedundant: zoneRedundant
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    accountName: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    capacityMode: cosmosCapacityMode
    maxThroughput: cosmosMaxThroughput
    publicNetworkAccess: enablePrivateNetworking ? 'Disabled' : 'Enabled'
    dataContributorPrincipalIds: empty(principalId) ? [identities.outputs.appPrincipalId] : [identities.outputs.appPrincipalId, principalId]
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.keyVaultVaults}${resourceToken}'
  }
}

module communication 'app/communication.bicep' = if (enableCommunicationServices) {
  name: 'communication'
  scope: rg
  params: {
    tags: tags
    name: '${abbrs.communicationServices}${resourceToken}'
    emailServiceName: '${abbrs.communicationEmailServices}${resourceToken}'
    dataLocation: communicationDataLocation
    appPrincipalId: identities.outputs.appPrincipalId
  }
}

// IoT Hub validates its identity-based route to Event Hubs when it is created, so the sender role comes first.
module roles 'app/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    appPrincipalId: identities.outputs.appPrincipalId
    hubPrincipalId: identities.outputs.hubPrincipalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    storageAccountName: storage.outputs.name
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module iotHub 'app/iothub.bicep' = {
  name: 'iothub'
  scope: rg
  dependsOn: [roles]
  params: {
    location: location
    tags: tags
    hubName: '${abbrs.devicesIotHubs}${resourceToken}'
    dpsName: '${abbrs.devicesProvisioningServices}${resourceToken}'
    sku: iotHubSku
    units: iotHubUnits
    hubIdentityId: identities.outputs.hubIdentityId
    hubPrincipalId: identities.outputs.hubPrincipalId
    appPrincipalId: identities.outputs.appPrincipalId
    eventHubsEndpoint: eventHubs.outputs.endpoint
    eventHubName: eventHubs.outputs.eventHubName
  }
}

module network 'app/network.bicep' = if (enablePrivateNetworking) {
  name: 'network'
  scope: rg
  params: {
    location: location
    tags: tags
    vnetName: '${abbrs.networkVirtualNetworks}${resourceToken}'
    addressPrefix: vnetAddressPrefix
    endpointPrefix: abbrs.networkPrivateEndpoints
    eventHubsNamespaceName: eventHubs.outputs.namespaceName
    targets: [
      { name: 'blob', id: storage.outputs.id, groupId: 'blob' }
      { name: 'queue', id: storage.outputs.id, groupId: 'queue' }
      { name: 'table', id: storage.outputs.id, groupId: 'table' }
      { name: 'cosmos', id: cosmos.outputs.id, groupId: 'Sql' }
      { name: 'eventhubs', id: eventHubs.outputs.namespaceId, groupId: 'namespace' }
    ]
  }
}

module functionApp 'app/function.bicep' = {
  name: 'function'
  scope: rg
  dependsOn: [roles]
  params: {
    location: location
    tags: tags
    name: '${abbrs.webSitesFunctions}iomt-${resourceToken}'
    planName: '${abbrs.webServerFarms}${resourceToken}'
    identityId: identities.outputs.appIdentityId
    identityClientId: identities.outputs.appClientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    maximumInstanceCount: functionMaximumInstances
    instanceMemoryMB: functionInstanceMemoryMB
    ingestAlwaysReady: ingestAlwaysReady
    durableAlwaysReady: durableAlwaysReady
    authClientId: authClientId
    virtualNetworkSubnetId: enablePrivateNetworking ? network!.outputs.functionSubnetId : ''
    appSettings: {
      Cosmos__AccountEndpoint: cosmos.outputs.endpoint
      Cosmos__DatabaseName: cosmos.outputs.databaseName
      EventHubs__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
      EventHubs__credential: 'managedidentity'
      EventHubs__clientId: identities.outputs.appClientId
      EventHubName: eventHubs.outputs.eventHubName
      EventHubConsumerGroup: eventHubs.outputs.consumerGroupName
      Ingestion__DeadLetterContainerUri: storage.outputs.deadLetterContainerUrl
      Devices__IoTHubHostName: iotHub.outputs.hubHostName
      Devices__DpsIdScope: iotHub.outputs.dpsIdScope
      Devices__DpsServiceHostName: iotHub.outputs.dpsServiceHostName
      Devices__AllocationWebhookUrl: '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=dps-allocation-webhook-url)'
    }
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_CLIENT_ID string = identities.outputs.appClientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_DEAD_LETTER_CONTAINER_URL string = storage.outputs.deadLetterContainerUrl
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
output AZURE_EVENTHUBS_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output AZURE_EVENTHUB_NAME string = eventHubs.outputs.eventHubName
output AZURE_EVENTHUB_CONSUMER_GROUP string = eventHubs.outputs.consumerGroupName
output AZURE_IOTHUB_HOSTNAME string = iotHub.outputs.hubHostName
output AZURE_DPS_ID_SCOPE string = iotHub.outputs.dpsIdScope
output AZURE_DPS_SERVICE_HOSTNAME string = iotHub.outputs.dpsServiceHostName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_COMMUNICATION_ENDPOINT string = enableCommunicationServices ? communication!.outputs.endpoint : ''
output AZURE_COMMUNICATION_SENDER_DOMAIN string = enableCommunicationServices ? communication!.outputs.senderDomain : ''
