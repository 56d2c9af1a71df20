// Cosmos DB for NoSQL: the database and the five containers the app uses, declared exactly as their Definition()
// methods in src/IoMT.Storage.Cosmos (a test compares them). Keys are off; identities get the built-in data role.
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource.')
param tags object

@description('Required. Name of the account.')
param accountName string

@allowed(['serverless', 'provisioned'])
@description('Required. Serverless, or autoscale throughput shared by the database.')
param capacityMode string

@minValue(1000)
@description('Required. Autoscale maximum RU/s when provisioned.')
param maxThroughput int

@allowed(['Enabled', 'Disabled'])
@description('Required. Disabled when the account is reached through private endpoints only.')
param publicNetworkAccess string

@description('Required. Principal ids given Cosmos DB Built-in Data Contributor on the account.')
param dataContributorPrincipalIds array

@description('Optional. Name of the database.')
param databaseName string = 'iomt'

// Cosmos DB Built-in Data Contributor: a Cosmos DB SQL role definition, not an Azure RBAC role.
var dataContributorRoleId = '00000000-0000-0000-0000-000000000002'

var containers = [
  {
    name: 'timeline'
    partitionKeyPaths: ['/patientId', '/month']
    defaultTtl: -1
    indexingPolicy: {
      indexingMode: 'consistent'
      automatic: true
      includedPaths: [
        { path: '/patientId/?' }
        { path: '/month/?' }
        { path: '/minAt/?' }
        { path: '/maxAt/?' }
        { path: '/codes/[]/?' }
        { path: '/types/[]/?' }
      ]
      excludedPaths: [{ path: '/*' }]
    }
  }
  {
    name: 'directory'
    partitionKeyPaths: ['/pk']
    defaultTtl: null
    indexingPolicy: {
      indexingMode: 'consistent'
      automatic: true
      includedPaths: [
        { path: '/pk/?' }
        { path: '/type/?' }
        { path: '/deviceId/?' }
        { path: '/manufacturer/?' }
        { path: '/model/?' }
        { path: '/status/?' }
        { path: '/kinds/[]/?' }
        { path: '/patientId/?' }
        { path: '/deleted/?' }
        { path: '/groupId/?' }
        { path: '/careTeams/[]/?' }
      ]
      excludedPaths: [{ path: '/*' }]
    }
  }
  {
    name: 'workflows'
    partitionKeyPaths: ['/patientId']
    defaultTtl: -1
    indexingPolicy: {
      indexingMode: 'consistent'
      automatic: true
      includedPaths: [
        { path: '/type/?' }
        { path: '/patientId/?' }
        { path: '/status/?' }
        { path: '/priority/?' }
        { path: '/priorityRank/?' }
        { path: '/raisedAt/?' }
        { path: '/until/?' }
      ]
      excludedPaths: [{ path: '/*' }]
      compositeIndexes: [
        [
          { path: '/priorityRank', order: 'descending' }
          { path: '/raisedAt', order: 'ascending' }
        ]
      ]
    }
  }
  {
    name: 'ingestion'
    partitionKeyPaths: ['/pk']
    defaultTtl: -1
    indexingPolicy: {
      indexingMode: 'none'
      automatic: false
    }
  }
  {
    name: 'cloud-to-device'
    partitionKeyPaths: ['/pk']
    defaultTtl: -1
    indexingPolicy: {
      indexingMode: 'consistent'
      automatic: true
      includedPaths: [
        { path: '/pk/?' }
        { path: '/type/?' }
        { path: '/enqueuedAt/?' }
        { path: '/pending/?' }
        { path: '/queuedAt/?' }
      ]
      excludedPaths: [{ path: '/*' }]
    }
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: capacityMode == 'serverless' ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: publicNetworkAccess
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: { tier: 'Continuous7Days' }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2026-03-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: capacityMode == 'provisioned' ? { autoscaleSettings: { maxThroughput: maxThroughput } } : {}
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2026-03-15' = [
  for c in containers: {
    parent: database
    name: c.name
    properties: {
      resource: union(
        {
          id: c.name
          partitionKey: { paths: c.partitionKeyPaths, kind: length(c.partitionKeyPaths) > 1 ? 'MultiHash' : 'Hash', version: 2 }
          indexingPolicy: c.indexingPolicy
        },
        c.defaultTtl == null ? {} : { defaultTtl: c.defaultTtl }
      )
    }
  }
]

resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = [
  for principalId in dataContributorPrincipalIds: {
    parent: account
    name: guid(account.id, principalId, dataContributorRoleId)
    properties: {
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributorRoleId}'
      principalId: principalId
      scope: account.id
    }
  }
]

output id string = account.id
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
