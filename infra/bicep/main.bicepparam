// Example parameters for main.bicep. Secrets and the values a deployment produces come from environment
// variables, so this file holds none of them and can be committed as it is; docs/deploy-azure.md exports them:
//
//   step 1 (plane):   ACR, PLANE_ADMIN_KEY, PLANE_SIGNING_KEY, PLANE_ENCRYPTION_KEY
//   step 2 (gateway): the same, plus GATEWAY_TOKEN, TRUST_SIGNING_KEY, GATEWAY_BACKUP_ENCRYPTION_KEY
//
// readEnvironmentVariable is evaluated when the file is built (by az deployment ... --parameters main.bicepparam),
// on the machine that deploys.
using 'main.bicep'

param namePrefix = 'edgegw'

// Images built and pushed into the registry named by ACR (docs/deploy-azure.md, step 2); PULL_IDENTITY_ID is the
// resource id of the identity that holds AcrPull on it.
param registryServer = '${readEnvironmentVariable('ACR')}.azurecr.io'
param registryIdentityId = readEnvironmentVariable('PULL_IDENTITY_ID')
param gatewayImage = '${readEnvironmentVariable('ACR')}.azurecr.io/edgegateway/gateway:${readEnvironmentVariable('IMAGE_TAG', '1.0.0')}'
param planeImage = '${readEnvironmentVariable('ACR')}.azurecr.io/edgegateway/management:${readEnvironmentVariable('IMAGE_TAG', '1.0.0')}'

param planeAdminKey = readEnvironmentVariable('PLANE_ADMIN_KEY')
param planeSigningKey = readEnvironmentVariable('PLANE_SIGNING_KEY')
param planeEncryptionKey = readEnvironmentVariable('PLANE_ENCRYPTION_KEY')

param gatewayId = 'gw1'
// Empty in step 1: the gateway app is deployed once its token exists.
param gatewayToken = readEnvironmentVariable('GATEWAY_TOKEN', '')
param trustSigningKey = readEnvironmentVariable('TRUST_SIGNING_KEY', '')
param gatewayBackupEncryptionKey = readEnvironmentVariable('GATEWAY_BACKUP_ENCRYPTION_KEY', '')
param gatewayMaxReplicas = 10
