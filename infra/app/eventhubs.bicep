// The Event Hubs namespace IoT Hub routes device telemetry to, its telemetry hub and the Functions app's consumer
// group. Local (SAS) auth is off: IoT Hub sends and the app receives with their managed identities.
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource.')
param tags object

@description('Required. Name of the namespace.')
param namespaceName string

@minValue(1)
@maxValue(32)
@description('Required. Partitions of the telemetry hub.')
param partitionCount int

@minValue(1)
@maxValue(40)
@description('Required. Throughput units at start.')
param throughputUnits int

@minValue(1)
@maxValue(40)
@description('Required. Most throughput units auto-inflate may grow to.')
param maxThroughputUnits int

@description('Required. Spread the namespace across availability zones (regions with zones only).')
param zoneRedundant bool

@minValue(1)
@maxValue(7)
@description('Optional. Days the hub keeps events: how long ingestion can be down and catch up without losing a reading.')
param retentionInDays int = 7

var eventHubName = 'telemetry'
// serviceBusEndpoint is https://<namespace>.<cloud suffix>:443/ in every Azure cloud.
var fullyQualifiedNamespace = replace(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
var consumerGroupName = 'functions'

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard', capacity: throughputUnits }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    // IoT Hub sends from outside any virtual network, so the public endpoint stays (network.bicep restricts it).
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: true
    maximumThroughputUnits: max(throughputUnits, maxThroughputUnits)
    zoneRedundant: zoneRedundant
  }
}

resource telemetry 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionInDays
  }
}

resource consumerGroup 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2026-01-01' = {
  parent: telemetry
  name: consumerGroupName
}

output namespaceId string = namespace.id
output namespaceName string = namespace.name
output fullyQualifiedNamespace string = fullyQualifiedNamespace
output endpoint string = 'sb://${fullyQualifiedNamespace}'
output eventHubName string = telemetry.name
output consumerGroupName string = consumerGroup.name
