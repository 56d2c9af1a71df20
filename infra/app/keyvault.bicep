// Key Vault for notification channel secrets (webhook secrets, PagerDuty routing keys, Teams URLs, the DPS allocation
// webhook URL). Azure RBAC only, no access policies; the app reads secrets through Key Vault references.
@description('Required. Azure region.')
param location string

@description('Required. Tags of every resource.')
param tags object

@minLength(3)
@maxLength(24)
@description('Required. Name of the vault.')
param name string

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    // Flex Consumption resolves Key Vault references outside the app's virtual network, so the vault stays reachable;
    // only identities with a Key Vault data role can read a secret.
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
