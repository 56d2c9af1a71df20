// One storage account for the Functions host (leases, keys), the Durable Functions task hub (queues, tables, blobs),
// the deployment package and the ingestion dead-letter container. Shared-key access is off: identities only.
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource.')
param tags object

@minLength(3)
@maxLength(24)
@description('Required. Storage account name (lowercase letters and digits).')
param name string

@description('Required. Zone-redundant (ZRS) or locally redundant (LRS) replication.')
param zoneRedundant bool

@allowed(['Enabled', 'Disabled'])
@description('Required. Disabled when the account is reached through private endpoints only.')
param publicNetworkAccess string

var deploymentContainerName = 'app-package'
var deadLetterContainerName = 'ingestion-dead-letter'

resource account 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: zoneRedundant ? 'Standard_ZRS' : 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: { enabled: true, days: 7 }
    containerDeleteRetentionPolicy: { enabled: true, days: 7 }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: { publicAccess: 'None' }
}

output id string = account.id
output name string = account.name
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'
output deadLetterContainerUrl string = '${account.properties.primaryEndpoints.blob}${deadLetterContainer.name}'
