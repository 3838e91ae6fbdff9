// EdgeGateway on Azure Container Apps: a management plane (one replica, state in its own Blob container) and a
// gateway (scales to zero, backs its config up to its own Blob container and starts from it), each with its own
// user-assigned identity holding Storage Blob Data Contributor on its own container only.
//
// Two steps (docs/deploy-azure.md): deploy with gatewayToken empty (the plane, storage, identities, telemetry),
// mint the gateway's token on the running plane, deploy again with gatewayToken set (adds the gateway app).
//
// Every environment variable below is a setting the binary reads (`EdgeGateway settings --names`,
// `ManagementPlane settings --names`); a test over the compiled template checks that
// (tests/EdgeGateway.EndToEnd.Tests/Infra/BicepTemplateTests.cs).

targetScope = 'resourceGroup'

@description('Azure region of every resource; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Prefix of every resource name, 2-16 characters: lower-case letters, digits and single hyphens, starting with a letter and ending with a letter or digit (Container Apps names allow nothing else). Upper case is lowered.')
@minLength(2)
@maxLength(16)
param namePrefix string = 'edgegw'

@description('Storage account name (3-24 lower-case letters and digits, globally unique). Default: derived from the prefix and the resource group.')
@minLength(3)
@maxLength(24)
param storageAccountName string = toLower(take('${replace(namePrefix, '-', '')}${uniqueString(resourceGroup().id)}', 24))

@description('Blob container holding the gateway\'s config backups (only the gateway\'s identity can read and write it).')
param backupContainerName string = 'gateway-backups'

@description('Blob container holding the management plane\'s state (only the plane\'s identity can read and write it).')
param planeStateContainerName string = 'management-state'

@description('Days Log Analytics keeps the apps\' logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Gateway image, e.g. myregistry.azurecr.io/edgegateway/gateway:1.0.0 (Dockerfile, --target gateway).')
param gatewayImage string

@description('Management plane image, e.g. myregistry.azurecr.io/edgegateway/management:1.0.0 (Dockerfile, --target management).')
param planeImage string

@description('Login server of the private registry both images come from (e.g. myregistry.azurecr.io); empty for public images.')
param registryServer string = ''

@description('Resource id of a user-assigned identity holding AcrPull on that registry, used only to pull the images; empty for public images.')
param registryIdentityId string = ''

@description('Management plane: admin API key (Management:AdminKeys:0, sent as "Authorization: Bearer KEY"; at least 16 characters).')
@secure()
@minLength(16)
param planeAdminKey string

@description('Management plane: its ECDSA P-256 private key, PEM (Management:SigningKey), e.g. from openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256.')
@secure()
@minLength(1)
param planeSigningKey string

@description('Management plane: base64 of 32 random bytes (Management:EncryptionKey), e.g. from openssl rand -base64 32: encrypts secrets in its state.')
@secure()
@minLength(1)
param planeEncryptionKey string

@description('Management plane ingress reachable from the internet (true: operators call its admin API from anywhere, with the admin key; false: only from inside the Container Apps environment, and docs/deploy-azure.md opens it to the operator\'s address while a token is minted).')
param planeExternalIngress bool = true

@description('The gateway\'s id as registered in the management plane (Gateway:Id).')
param gatewayId string = 'gw1'

@description('The gateway\'s token from POST /gateways/{id}/token on the management plane ("GatewayKey gw1&..."). Empty: the gateway app is not deployed (step 1 of the bootstrap).')
@secure()
param gatewayToken string = ''

@description('The management plane\'s public key, PEM text exactly as GET /signing-key returns it (Trust:SigningKey). Needed with gatewayToken.')
param trustSigningKey string = ''

@description('Gateway: base64 of 32 random bytes (Backup:EncryptionKey), e.g. from openssl rand -base64 32: encrypts the config backups (they may hold secret named values). Needed with gatewayToken.')
@secure()
param gatewayBackupEncryptionKey string = ''

@description('Gateway: most replicas the HTTP scale rule may run.')
@minValue(1)
@maxValue(300)
param gatewayMaxReplicas int = 10

@description('Gateway: concurrent requests per replica above which the HTTP scale rule adds a replica.')
@minValue(1)
param gatewayConcurrentRequests int = 50

var deployGateway = !empty(gatewayToken)
// Container app and environment names must be lower case: an upper-case prefix is lowered rather than refused at deployment.
var prefix = toLower(namePrefix)
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var blobServiceUri = 'https://${storage.name}.blob.${environment().suffixes.storage}'
// The secret volume of the gateway: the token as a file the gateway re-reads when it changes (ManagementPlane:TokenFile).
var tokenMountPath = '/mnt/secrets'
var tokenFileName = 'gateway-token'
var registries = empty(registryServer)
  ? []
  : [
      {
        server: registryServer
        identity: registryIdentityId
      }
    ]
var pullIdentity = empty(registryIdentityId) ? {} : { '${registryIdentityId}': {} }
var probes = [
  {
    type: 'Liveness'
    httpGet: { path: '/healthz/live', port: 8080 }
    periodSeconds: 10
    failureThreshold: 3
  }
  {
    type: 'Readiness'
    httpGet: { path: '/healthz/ready', port: 8080 }
    periodSeconds: 2
    failureThreshold: 3
  }
  {
    // On /healthz/live: 200 as soon as the app listens. Before that the gateway may spend up to Backup:ReadTimeout
    // (10 s) reading its backup (managed-identity token, list, download), the plane loading its state; afterwards a
    // gateway with no config yet listens not-ready and exits by itself after ManagementPlane:StartupTimeout, so the
    // probe must not count that wait (readiness gates traffic on /healthz/ready). Budget: killed after about
    // periodSeconds x (failureThreshold - 1) = 27 s, over 10 s + a margin for the process start; a start costs at
    // most one period (3 s) more than with 1 s probes. Container Apps allows failureThreshold 1-10.
    type: 'Startup'
    httpGet: { path: '/healthz/live', port: 8080 }
    periodSeconds: 3
    failureThreshold: 10
  }
]

// ---- telemetry ----

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${prefix}-appinsights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource environment_ 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: '${prefix}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// ---- storage: one private account, one container per plane, no shared keys ----

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource backupContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: backupContainerName
  properties: { publicAccess: 'None' }
}

resource planeContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: planeStateContainerName
  properties: { publicAccess: 'None' }
}

// ---- identities: each holds Storage Blob Data Contributor on its own container and nothing else ----

resource gatewayIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-gateway-id'
  location: location
}

resource planeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-plane-id'
  location: location
}

resource gatewayBackupAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: backupContainer
  name: guid(backupContainer.id, gatewayIdentity.id, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: gatewayIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource planeStateAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: planeContainer
  name: guid(planeContainer.id, planeIdentity.id, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: planeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- the management plane: one replica (its state has one writer), keys as secrets ----

resource plane 'Microsoft.App/containerApps@2025-01-01' = {
  name: '${prefix}-plane'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: union({ '${planeIdentity.id}': {} }, pullIdentity)
  }
  properties: {
    managedEnvironmentId: environment_.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: planeExternalIngress
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      registries: registries
      secrets: [
        { name: 'admin-key', value: planeAdminKey }
        { name: 'signing-key', value: planeSigningKey }
        { name: 'encryption-key', value: planeEncryptionKey }
        { name: 'appinsights-connection-string', value: appInsights.properties.ConnectionString }
      ]
    }
    template: {
      containers: [
        {
          name: 'management'
          image: planeImage
          resources: { cpu: json('0.25'), memory: '0.5Gi' }
          env: [
            { name: 'Management__AdminKeys__0', secretRef: 'admin-key' }
            { name: 'Management__SigningKey', secretRef: 'signing-key' }
            { name: 'Management__EncryptionKey', secretRef: 'encryption-key' }
            { name: 'Management__Store__Provider', value: 'blob' }
            { name: 'Management__Store__Blob__ServiceUri', value: blobServiceUri }
            { name: 'Management__Store__Blob__Container', value: planeContainer.name }
            { name: 'Management__Store__Blob__ManagedIdentityClientId', value: planeIdentity.properties.clientId }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection-string' }
          ]
          probes: probes
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
  dependsOn: [planeStateAccess]
}

// ---- the gateway: scales to zero, starts from its backup, token as a mounted secret file ----

resource gateway 'Microsoft.App/containerApps@2025-01-01' = if (deployGateway) {
  name: '${prefix}-gateway'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: union({ '${gatewayIdentity.id}': {} }, pullIdentity)
  }
  properties: {
    managedEnvironmentId: environment_.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      registries: registries
      secrets: [
        { name: tokenFileName, value: gatewayToken }
        { name: 'backup-encryption-key', value: gatewayBackupEncryptionKey }
        { name: 'appinsights-connection-string', value: appInsights.properties.ConnectionString }
      ]
    }
    template: {
      containers: [
        {
          name: 'gateway'
          image: gatewayImage
          resources: { cpu: json('0.25'), memory: '0.5Gi' }
          env: [
            { name: 'Gateway__Id', value: gatewayId }
            { name: 'ManagementPlane__Url', value: 'https://${plane.properties.configuration.ingress.fqdn}' }
            { name: 'ManagementPlane__TokenFile', value: '${tokenMountPath}/${tokenFileName}' }
            { name: 'Trust__SigningKey', value: trustSigningKey }
            { name: 'Backup__Provider', value: 'blob' }
            { name: 'Backup__Blob__ServiceUri', value: blobServiceUri }
            { name: 'Backup__Blob__Container', value: backupContainer.name }
            { name: 'Backup__Blob__ManagedIdentityClientId', value: gatewayIdentity.properties.clientId }
            { name: 'Backup__EncryptionKey', secretRef: 'backup-encryption-key' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection-string' }
          ]
          volumeMounts: [
            { volumeName: 'gateway-token', mountPath: tokenMountPath }
          ]
          probes: probes
        }
      ]
      volumes: [
        {
          name: 'gateway-token'
          storageType: 'Secret'
          secrets: [
            { secretRef: tokenFileName, path: tokenFileName }
          ]
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: gatewayMaxReplicas
        rules: [
          {
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: string(gatewayConcurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
  dependsOn: [gatewayBackupAccess]
}

// ---- outputs ----

@description('The management plane\'s URL (its admin API, GET /signing-key, and what the gateway syncs from).')
output planeUrl string = 'https://${plane.properties.configuration.ingress.fqdn}'

@description('The gateway\'s public URL; empty until the gateway is deployed (step 2).')
output gatewayUrl string = deployGateway ? 'https://${gateway!.properties.configuration.ingress.fqdn}' : ''

@description('Client id of the gateway\'s identity (Backup:Blob:ManagedIdentityClientId).')
output gatewayIdentityClientId string = gatewayIdentity.properties.clientId

@description('Principal id of the gateway\'s identity (the role assignment on the backup container).')
output gatewayIdentityPrincipalId string = gatewayIdentity.properties.principalId

@description('Client id of the management plane\'s identity (Management:Store:Blob:ManagedIdentityClientId).')
output planeIdentityClientId string = planeIdentity.properties.clientId

@description('Principal id of the management plane\'s identity (the role assignment on the state container).')
output planeIdentityPrincipalId string = planeIdentity.properties.principalId

@description('The storage account holding both containers.')
output storageAccountName string = storage.name
