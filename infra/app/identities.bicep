// Two user-assigned identities: the Functions app's, and the one IoT Hub and DPS use to reach Event Hubs and the hub.
// User-assigned, so their roles exist before the services that use them are created.
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource.')
param tags object

@description('Required. Name of the Functions app identity.')
param appIdentityName string

@description('Required. Name of the IoT Hub and DPS identity.')
param hubIdentityName string

resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: appIdentityName
  location: location
  tags: tags
}

resource hubIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: hubIdentityName
  location: location
  tags: tags
}

output appIdentityId string = appIdentity.id
output appPrincipalId string = appIdentity.properties.principalId
output appClientId string = appIdentity.properties.clientId
output hubIdentityId string = hubIdentity.id
output hubPrincipalId string = hubIdentity.properties.principalId
