// IoT Hub (devices connect with their own keys or certificates) routing every device message to our Event Hubs with
// its user-assigned identity, and the Device Provisioning Service linked to it by identity. Hub-scoped shared access
// policies are off, so no connection string can read or manage the hub: the app manages devices with its identity.
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource.')
param tags object

@description('Required. Name of the IoT Hub.')
param hubName string

@description('Required. Name of the Device Provisioning Service.')
param dpsName string

@allowed(['S1', 'S2', 'S3'])
@description('Required. IoT Hub tier.')
param sku string

@minValue(1)
@maxValue(200)
@description('Required. IoT Hub units: up to 200 for S1 and S2, up to 10 for S3.')
param units int

@description('Required. Resource id of the identity IoT Hub and DPS use.')
param hubIdentityId string

@description('Required. Principal id of that identity.')
param hubPrincipalId string

@description('Required. Principal id of the Functions app identity (manages devices, twins, cloud-to-device messages and enrollment groups).')
param appPrincipalId string

@description('Required. sb:// endpoint of the Event Hubs namespace.')
param eventHubsEndpoint string

@description('Required. Event hub device telemetry is routed to.')
param eventHubName string

var roleIds = {
  iotHubDataContributor: '4fc6c259-987e-4a07-842e-c321cc9d413f'
  dpsDataContributor: 'dfce44e4-17b7-4bd1-a6d1-04996ec95633'
}

resource hub 'Microsoft.Devices/IotHubs@2023-06-30' = {
  name: hubName
  location: location
  tags: tags
  sku: { name: sku, capacity: units }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${hubIdentityId}': {} }
  }
  properties: {
    disableLocalAuth: true
    disableDeviceSAS: false
    disableModuleSAS: true
    // TLS 1.0 and 1.1 were retired from IoT Hub in 2025; minTlsVersion is only settable in a few regions.
    publicNetworkAccess: 'Enabled'
    eventHubEndpoints: {
      // The built-in endpoint is unused: every message goes to our own Event Hubs.
      events: { retentionTimeInDays: 1, partitionCount: 2 }
    }
    routing: {
      endpoints: {
        eventHubs: [
          {
            name: 'telemetry'
            authenticationType: 'identityBased'
            identity: { userAssignedIdentity: hubIdentityId }
            endpointUri: eventHubsEndpoint
            entityPath: eventHubName
          }
        ]
      }
      routes: [
        {
          name: 'device-telemetry'
          source: 'DeviceMessages'
          condition: 'true'
          endpointNames: ['telemetry']
          isEnabled: true
        }
      ]
    }
  }
}

// The app manages devices (registry), reads twins and writes their desired properties, sends cloud-to-device messages
// and receives their feedback. Of the built-in roles only IoT Hub Data Contributor grants cloudToDeviceMessages/send
// and cloudToDeviceMessages/feedback, and it covers the registry and twins as well.
resource appData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hub
  name: guid(hub.id, appPrincipalId, roleIds.iotHubDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.iotHubDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// DPS creates the devices it assigns in the hub with this identity.
resource dpsOnHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hub
  name: guid(hub.id, hubPrincipalId, roleIds.iotHubDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.iotHubDataContributor)
    principalId: hubPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource dps 'Microsoft.Devices/provisioningServices@2026-08-31' = {
  name: dpsName
  location: location
  tags: tags
  sku: { name: 'S1', capacity: 1 }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${hubIdentityId}': {} }
  }
  properties: {
    allocationPolicy: 'Hashed'
    // Service APIs by Entra ID only; devices still attest with their enrollment-group derived keys.
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    iotHubs: [
      {
        location: location
        hostName: hub.properties.hostName
        authenticationType: 'UserAssigned'
        selectedUserAssignedIdentityResourceId: hubIdentityId
      }
    ]
  }
  dependsOn: [dpsOnHub]
}

resource appEnrollments 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: dps
  name: guid(dps.id, appPrincipalId, roleIds.dpsDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.dpsDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output hubHostName string = hub.properties.hostName
output dpsIdScope string = dps.properties.idScope
output dpsServiceHostName string = dps.properties.serviceOperationsHostName
