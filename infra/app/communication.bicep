// Optional Azure Communication Services for the e-mail and SMS channels, with an Azure-managed e-mail domain. The
// channels sign requests with the resource's access key, which goes straight into Key Vault (never an output).
@description('Required. Tags of every resource.')
param tags object

@description('Required. Name of the Communication Services resource.')
param name string

@description('Required. Name of the e-mail service.')
param emailServiceName string

@description('Required. Where Communication Services keeps its data at rest.')
param dataLocation string

@description('Required. Key Vault that receives the access key as secret acs-access-key.')
param keyVaultName string

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
  }
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource accessKey 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'acs-access-key'
  properties: { value: communication.listKeys().primaryKey }
}

output endpoint string = 'https://${communication.properties.hostName}'
output senderDomain string = emailDomain.properties.mailFromSenderDomain
