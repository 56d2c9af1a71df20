#!/bin/sh
# Before provisioning: the Entra ID app registration care staff sign in with, carrying the product's app roles
# (infra/app-roles.json) and group claims (care teams). Skipped when IOMT_AUTH_CLIENT_ID names an existing one.
set -eu

if [ -n "${IOMT_AUTH_CLIENT_ID:-}" ]; then
  echo "Sign-in app registration: ${IOMT_AUTH_CLIENT_ID} (from IOMT_AUTH_CLIENT_ID)."
  exit 0
fi

name="iomt-cloud-${AZURE_ENV_NAME}"
client_id=$(az ad app list --display-name "$name" --query "[0].appId" -o tsv)
if [ -z "$client_id" ]; then
  client_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg \
    --app-roles @infra/app-roles.json --enable-id-token-issuance true --query appId -o tsv) || {
    echo "Cannot create the app registration '$name' (it needs the Application Developer role in Entra ID)." >&2
    echo "Ask an Entra administrator to create it from infra/app-roles.json, then: azd env set IOMT_AUTH_CLIENT_ID <client id>" >&2
    exit 1
  }
  # Group object ids in the ID token are how the app maps Entra groups to care teams (Access__CareTeamGroups__<id>).
  az ad app update --id "$client_id" --set groupMembershipClaims=SecurityGroup
  # The enterprise application, where administrators assign people to app roles.
  az ad sp create --id "$client_id" >/dev/null
  echo "Created the sign-in app registration '$name' ($client_id)."
fi

azd env set IOMT_AUTH_CLIENT_ID "$client_id"
