// Private networking (enablePrivateNetworking): a virtual network the Functions app is integrated into, and a private
// endpoint with its private DNS zone for each data service, whose public network access main.bicep then turns off.
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource.')
param tags object

@description('Required. Name of the virtual network.')
param vnetName string

@description('Required. Address space, a /16 or larger: the first two /24s become the subnets.')
param addressPrefix string

@description('Required. Name prefix of the private endpoints.')
param endpointPrefix string

@description('Required. Event Hubs namespace whose public endpoint admits only trusted Azure services (IoT Hub) and this network.')
param eventHubsNamespaceName string

@description('Required. Services to reach privately: [{ name, id, groupId }], groupId one of blob, queue, table, Sql, namespace.')
param targets array

var zoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  table: 'privatelink.table.${environment().suffixes.storage}'
  Sql: 'privatelink.documents.azure.com'
  namespace: 'privatelink.servicebus.windows.net'
}

resource vnet 'Microsoft.Network/virtualNetworks@2026-03-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'functions'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [{ name: 'flex-consumption', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for target in targets: {
    name: zoneNames[target.groupId]
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (target, i) in targets: {
    parent: zones[i]
    name: vnet.name
    location: 'global'
    tags: tags
    properties: {
      virtualNetwork: { id: vnet.id }
      registrationEnabled: false
    }
  }
]

resource endpoints 'Microsoft.Network/privateEndpoints@2026-03-01' = [
  for (target, i) in targets: {
    name: '${endpointPrefix}${target.name}-${uniqueString(target.id)}'
    location: location
    tags: tags
    properties: {
      subnet: { id: vnet.properties.subnets[1].id }
      privateLinkServiceConnections: [
        {
          name: target.name
          properties: { privateLinkServiceId: targets[i].id, groupIds: [target.groupId] }
        }
      ]
    }
  }
]

resource endpointZones 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2026-03-01' = [
  for (target, i) in targets: {
    parent: endpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [{ name: target.groupId, properties: { privateDnsZoneId: zones[i].id } }]
    }
  }
]

resource eventHubs 'Microsoft.EventHub/namespaces@2026-01-01' existing = {
  name: eventHubsNamespaceName
}

// IoT Hub routes from outside any virtual network, so the namespace keeps its public endpoint; these rules admit only
// trusted Azure services and the app's subnet there (Event Hubs ignores a Deny that comes without any rule).
resource eventHubsRules 'Microsoft.EventHub/namespaces/networkRuleSets@2026-01-01' = {
  parent: eventHubs
  name: 'default'
  properties: {
    publicNetworkAccess: 'Enabled'
    defaultAction: 'Deny'
    trustedServiceAccessEnabled: true
    virtualNetworkRules: [{ subnet: { id: vnet.properties.subnets[0].id }, ignoreMissingVnetServiceEndpoint: true }]
  }
}

output functionSubnetId string = vnet.properties.subnets[0].id
