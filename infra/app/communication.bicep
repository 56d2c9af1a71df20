// Optional Azure Communication Services for the e-mail and SMS channels, with an Azure-managed e-mail domain. The
// channels sign in with the app's managed identity; the resource's access keys are turned off.
@description('Required. Tags of every resource.')
param tags object

@description('Required. Name of the Communication Services resource.')
param name string

@description('Required. Name of the e-mail service.')
param emailServiceName string

@description('Required. Where Communication Services keeps its data at rest.')
param dataLocation string

@description('Required. Principal id of the app\'s managed identity, which sends e-mail and SMS.')
param appPrincipalId string

// Communication and Email Service Owner: the built-in role that lets an Entra identity send e-mail and SMS.
var senderRoleId = '09976791-48a7-449e-bb21-39d1a415f350'

resource emailService 'Microsoft.Communication/emailServices@2026-03-18' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource emailDomain 'Microsoft.Communication/emailServices/domains@2026-03-18' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: { domainManagement: 'AzureManaged' }
}

resource communication 'Microsoft.Communication/communicationServices@2026-03-18' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [emailDomain.id]
    disableLocalAuth: true
  }
}

resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: communication
  name: guid(communication.id, appPrincipalId, senderRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', senderRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output endpoint string = 'https://${communication.properties.hostName}'
output senderDomain string = emailDomain.properties.mailFromSenderDomain
