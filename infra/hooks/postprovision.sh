#!/bin/sh
# After provisioning: lets the sign-in app registration redirect back to the deployed app, and writes
# src/IoMT.Functions/local.settings.json so the Functions app can run locally against the cloud resources (with your
# own Azure sign-in: give yourself the data roles docs/deploy.md lists first).
set -eu

if [ -n "${IOMT_AUTH_CLIENT_ID:-}" ]; then
  callback="${AZURE_FUNCTION_APP_URL}/.auth/login/aad/callback"
  existing=$(az ad app show --id "$IOMT_AUTH_CLIENT_ID" --query "web.redirectUris" -o tsv)
  case "$existing" in
    *"$callback"*) ;;
    *)
      # $existing is split on purpose: one argument per redirect URI already registered.
      # shellcheck disable=SC2086
      az ad app update --id "$IOMT_AUTH_CLIENT_ID" --web-redirect-uris $existing "$callback"
      ;;
  esac
fi

settings="src/IoMT.Functions/local.settings.json"
cat > "$settings" <<JSON
{
  "IsEncrypted": false,
  "Values": {
    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
    "AzureWebJobsStorage__accountName": "${AZURE_STORAGE_ACCOUNT_NAME}",
    "Cosmos__AccountEndpoint": "${AZURE_COSMOS_ENDPOINT}",
    "Cosmos__DatabaseName": "${AZURE_COSMOS_DATABASE}",
    "EventHubs__fullyQualifiedNamespace": "${AZURE_EVENTHUBS_NAMESPACE}",
    "EventHubName": "${AZURE_EVENTHUB_NAME}",
    "EventHubConsumerGroup": "${AZURE_EVENTHUB_CONSUMER_GROUP}",
    "Ingestion__DeadLetterContainerUri": "${AZURE_DEAD_LETTER_CONTAINER_URL}",
    "Devices__IoTHubHostName": "${AZURE_IOTHUB_HOSTNAME}",
    "Devices__DpsIdScope": "${AZURE_DPS_ID_SCOPE}",
    "Devices__DpsServiceHostName": "${AZURE_DPS_SERVICE_HOSTNAME}",
    "Devices__AllocationWebhookUrl": "${AZURE_FUNCTION_APP_URL}/api/dps/allocate"
  }
}
JSON
chmod 600 "$settings"
echo "Wrote $settings (local debugging uses your own Azure sign-in)."
