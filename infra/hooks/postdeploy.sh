#!/bin/sh
# After deploying: stores the DPS custom-allocation webhook URL, with the AllocateDpsDevice function's key, in Key Vault
# as dps-allocation-webhook-url (the app setting Devices__AllocationWebhookUrl references it), then restarts the app so
# the reference resolves. The key exists only once the function is deployed, hence after deploy.
set -eu

key=$(az functionapp function keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
  --function-name AllocateDpsDevice --query default -o tsv)
if [ -z "$key" ]; then
  echo "AllocateDpsDevice has no function key yet; run 'azd hooks run postdeploy' in a minute." >&2
  exit 1
fi

az keyvault secret set --vault-name "$AZURE_KEY_VAULT_NAME" --name dps-allocation-webhook-url \
  --value "${AZURE_FUNCTION_APP_URL}/api/dps/allocate?code=${key}" --output none
az functionapp restart --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME"
echo "Stored the DPS allocation webhook in Key Vault and restarted ${AZURE_FUNCTION_APP_NAME}."
