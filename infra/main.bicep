// CallCenter on Azure, provisioned by `azd up`: one resource group per azd environment holding the
// Function App (Flex Consumption), the media bridge (Container Apps), storage, Key Vault, Web PubSub,
// a container registry and monitoring. Identities get data-plane roles only, each on the resource it
// needs; secrets live in Key Vault and reach the apps as references.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the person or pipeline running azd (AZURE_PRINCIPAL_ID).')
param principalId string = ''

@description('Kind of principal behind principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Grant principalId data access to the storage account (Durable Functions Monitor, table browsing).')
param developerDataAccess bool = true

@description('Twilio account SID (AC...).')
param twilioAccountSid string

@secure()
@description('Twilio auth token; stored in Key Vault.')
param twilioAuthToken string

@secure()
@description('OpenAI API key; stored in Key Vault.')
param openAiApiKey string

@secure()
@minLength(32)
@description('Operator API key (at least 32 characters); stored in Key Vault.')
param adminApiKey string

@secure()
@minLength(32)
@description('Key signing media stream tokens; generated when not set (pin it with azd env set to keep it across provisions).')
param bridgeTokenSigningKey string = '${newGuid()}${newGuid()}'

@secure()
@description('The Meta app\'s secret for WhatsApp Cloud API webhooks; generated when not set, so Meta webhooks are refused until the real one is set.')
param metaAppSecret string = '${newGuid()}${newGuid()}'

@secure()
@description('Meta system-user access token for sending WhatsApp messages; generated when not set, so Meta refuses sends until the real one is set.')
param metaAccessToken string = '${newGuid()}${newGuid()}'

@secure()
@description('Apology clip (base64 of raw μ-law, 8 kHz, mono, at most about 2 s to fit a Key Vault secret) played when OpenAI is lost mid-call; empty plays none.')
param apologyAudio string = ''

@description('Days recordings are kept before the lifecycle rule deletes them.')
@minValue(1)
@maxValue(3650)
param recordingRetentionDays int = 90

@description('Days a deleted blob or container (recordings, backups) can still be restored.')
@minValue(14)
@maxValue(365)
param deletedDataRetentionDays int = 30

@description('Media bridge image; azd sets SERVICE_MEDIA_BRIDGE_IMAGE_NAME after the first deploy.')
param mediaBridgeImageName string = ''

@description('Bridge replicas kept running at all times.')
@minValue(1)
param mediaBridgeMinReplicas int = 1

@description('Upper bound on bridge replicas.')
@minValue(1)
param mediaBridgeMaxReplicas int = 10

@description('Open calls per bridge replica before another one is added. Measured on one core: p99 added latency under 2 ms up to 150 calls (docs/benchmarks.md).')
@minValue(1)
param mediaBridgeConcurrentCalls int = 100

@description('Origins (https://…) hosting the dashboard\'s static files; the API answers their browsers (CORS).')
param dashboardOrigins string[] = []

@description('Web PubSub tier.')
@allowed([
  'Free_F1'
  'Standard_S1'
])
param webPubSubSku string = 'Standard_S1'

@description('Web PubSub hub carrying call events.')
param webPubSubHubName string = 'calls'

@description('Durable Functions task hub name.')
param durableTaskHubName string = 'callcenter'

@description('Accept Application Insights telemetry only from Entra ID authenticated senders.')
param appInsightsDisableLocalAuth bool = true

@description('Upper bound on Function App instances.')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 100

@description('Memory per Function App instance (MB).')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

var tags = {
  'azd-env-name': environmentName
  product: 'callcenter'
}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

var names = {
  functionIdentity: 'id-func-${resourceToken}'
  bridgeIdentity: 'id-bridge-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  appInsights: 'appi-${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  registry: 'cr${resourceToken}'
  webPubSub: 'wps-${resourceToken}'
  containerAppsEnvironment: 'cae-${resourceToken}'
  mediaBridge: 'ca-bridge-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
}

var recordingsContainerName = 'recordings'
var deploymentContainerName = 'app-package-${resourceToken}'
var backupContainerName = 'backups'

// One μ-law sample of silence (0xFF): what the bridge plays when no apology clip is given.
var silentClip = '/w=='

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identities 'modules/identity.bicep' = {
  name: 'identities'
  scope: rg
  params: {
    location: location
    tags: tags
    functionIdentityName: names.functionIdentity
    bridgeIdentityName: names.bridgeIdentity
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  dependsOn: [
    identities
  ]
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    disableLocalAuth: appInsightsDisableLocalAuth
    functionIdentityName: names.functionIdentity
    bridgeIdentityName: names.bridgeIdentity
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  dependsOn: [
    identities
  ]
  params: {
    location: location
    tags: tags
    storageAccountName: names.storage
    recordingsContainerName: recordingsContainerName
    deploymentContainerName: deploymentContainerName
    recordingRetentionDays: recordingRetentionDays
    deletedDataRetentionDays: deletedDataRetentionDays
    backupContainerName: backupContainerName
    functionIdentityName: names.functionIdentity
    bridgeIdentityName: names.bridgeIdentity
    developerPrincipalId: developerDataAccess ? principalId : ''
    developerPrincipalType: principalType
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  dependsOn: [
    identities
  ]
  params: {
    location: location
    tags: tags
    keyVaultName: names.keyVault
    functionIdentityName: names.functionIdentity
    bridgeIdentityName: names.bridgeIdentity
    twilioAuthToken: twilioAuthToken
    openAiApiKey: openAiApiKey
    adminApiKey: adminApiKey
    bridgeTokenSigningKey: bridgeTokenSigningKey
    metaAppSecret: metaAppSecret
    metaAccessToken: metaAccessToken
    apologyAudio: empty(apologyAudio) ? silentClip : apologyAudio
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  dependsOn: [
    identities
  ]
  params: {
    location: location
    tags: tags
    registryName: names.registry
    bridgeIdentityName: names.bridgeIdentity
  }
}

module webPubSub 'modules/webpubsub.bicep' = {
  name: 'webpubsub'
  scope: rg
  dependsOn: [
    identities
  ]
  params: {
    location: location
    tags: tags
    webPubSubName: names.webPubSub
    sku: webPubSubSku
    hubName: webPubSubHubName
    functionIdentityName: names.functionIdentity
    bridgeIdentityName: names.bridgeIdentity
  }
}

module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    location: location
    tags: tags
    environmentName: names.containerAppsEnvironment
    logAnalyticsId: monitoring.outputs.logAnalyticsId
  }
}

// Its inputs come from every module that grants the bridge a role, so its first revision starts only
// after it may pull the image and read its secrets.
module mediaBridge 'modules/media-bridge.bicep' = {
  name: 'media-bridge'
  scope: rg
  params: {
    location: location
    tags: tags
    containerAppName: names.mediaBridge
    containerAppsEnvironmentId: containerAppsEnvironment.outputs.id
    containerAppsEnvironmentDomain: containerAppsEnvironment.outputs.defaultDomain
    bridgeIdentityName: names.bridgeIdentity
    registryLoginServer: registry.outputs.loginServer
    imageName: mediaBridgeImageName
    minReplicas: mediaBridgeMinReplicas
    maxReplicas: mediaBridgeMaxReplicas
    concurrentCallsPerReplica: mediaBridgeConcurrentCalls
    secretUris: {
      twilioAuthToken: keyVault.outputs.secretUris.twilioAuthToken
      openAiApiKey: keyVault.outputs.secretUris.openAiApiKey
      bridgeTokenSigningKey: keyVault.outputs.secretUris.bridgeTokenSigningKey
      apologyAudio: keyVault.outputs.secretUris.apologyAudio
    }
    twilioAccountSid: twilioAccountSid
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    webPubSubEndpoint: webPubSub.outputs.endpoint
    webPubSubHub: webPubSub.outputs.hubName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: names.plan
    functionAppName: names.functionApp
    functionIdentityName: names.functionIdentity
    storageAccountName: names.storage
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    backupContainerName: backupContainerName
    taskHubName: durableTaskHubName
    keyVaultName: keyVault.outputs.name
    secretNames: keyVault.outputs.secretNames
    twilioAccountSid: twilioAccountSid
    bridgeFqdn: mediaBridge.outputs.fqdn
    webPubSubEndpoint: webPubSub.outputs.endpoint
    webPubSubHub: webPubSub.outputs.hubName
    dashboardOrigins: dashboardOrigins
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
  }
}

var webhookBaseUrl = '${functionApp.outputs.publicBaseUrl}/api'

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = names.storage
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_MEDIA_BRIDGE_APP_NAME string = names.mediaBridge
output DURABLE_TASK_HUB_NAME string = durableTaskHubName
output WEB_PUBSUB_ENDPOINT string = webPubSub.outputs.endpoint
output WEBHOOK_BASE_URL string = webhookBaseUrl
output MEDIA_BRIDGE_URL string = 'wss://${mediaBridge.outputs.fqdn}/media'
output DASHBOARD_URL string = '${functionApp.outputs.publicBaseUrl}/dashboard'
output TWILIO_VOICE_WEBHOOK string = '${webhookBaseUrl}/twilio/voice'
output TWILIO_STATUS_CALLBACK string = '${webhookBaseUrl}/twilio/status'
output WHATSAPP_META_WEBHOOK string = '${webhookBaseUrl}/whatsapp/meta'
output WHATSAPP_TWILIO_WEBHOOK string = '${webhookBaseUrl}/whatsapp/twilio'
