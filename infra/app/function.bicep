// The Functions app on Flex Consumption (.NET 10 isolated): its user-assigned identity reaches every service (no
// connection strings, no keys), the deployment package lives in blob storage, and App Service Authentication signs
// care staff in with Entra ID (the app itself decides what each caller may do).
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource; the site adds the azd service tag.')
param tags object

@description('Required. Name of the Functions app.')
param name string

@description('Required. Name of the Flex Consumption plan.')
param planName string

@description('Required. Resource id of the app identity.')
param identityId string

@description('Required. Client id of the app identity.')
param identityClientId string

@description('Required. Storage account of the Functions host and the Durable task hub.')
param storageAccountName string

@description('Required. Blob container URL of the deployment package.')
param deploymentContainerUrl string

@description('Required. Application Insights connection string (where to send; local auth is off).')
param applicationInsightsConnectionString string

@minValue(40)
@maxValue(1000)
@description('Required. Most instances.')
param maximumInstanceCount int

@allowed([2048, 4096])
@description('Required. Memory per instance in MB.')
param instanceMemoryMB int

@minValue(0)
@description('Required. Always-ready instances of the ingestion function.')
param ingestAlwaysReady int

@minValue(0)
@description('Required. Always-ready instances of the Durable group.')
param durableAlwaysReady int

@description('Required. Entra app registration client id for sign-in (empty: no identity provider, every API call is refused).')
param authClientId string

@description('Required. Subnet the app is integrated into (empty: none).')
param virtualNetworkSubnetId string

@description('Required. The app settings that name the deployed resources (see local.settings.sample.json).')
param appSettings object

// Always-ready groups: the Event Hubs function has its own group, named after it; Durable work shares "durable".
var alwaysReady = filter(
  [
    { name: 'function:Ingest', instanceCount: ingestAlwaysReady }
    { name: 'durable', instanceCount: durableAlwaysReady }
  ],
  group => group.instanceCount > 0
)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  // azd finds the app to deploy by this tag.
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReady
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, {
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    Notifications__ConsoleUrl: 'https://${site.properties.defaultHostName}/api/console/'
  })
}

// Sign-in with Entra ID (the implicit ID-token flow, so no client secret exists). Anonymous requests still reach the
// app: the console's files, the health check and the DPS webhook (function key) need no sign-in, and every API route
// refuses callers without a principal. The platform strips X-MS-CLIENT-PRINCIPAL from what clients send.
resource authentication 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: !empty(authClientId)
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: empty(authClientId) ? [] : [authClientId, 'api://${authClientId}']
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
  }
}

// No publishing with user names and passwords: azd deploys with Entra ID.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
