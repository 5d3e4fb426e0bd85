// The media bridge: an always-on container app relaying Twilio Media Streams to OpenAI Realtime over
// WebSockets. At least one replica stays warm so a call never waits for a cold start; replicas are added
// by concurrent connections (an open call is one long-lived request).

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Container app name.')
param containerAppName string

@description('Container Apps environment resource id.')
param containerAppsEnvironmentId string

@description('The environment\'s default domain; the bridge answers at <containerAppName>.<defaultDomain>.')
param containerAppsEnvironmentDomain string

@description('Identity the bridge runs as (existing).')
param bridgeIdentityName string

@description('Registry login server the image is pulled from.')
param registryLoginServer string

@description('Image to run; empty runs a placeholder until azd deploys the real one.')
param imageName string

@description('Replicas kept running at all times (never 0: calls cannot wait for a cold start).')
@minValue(1)
param minReplicas int

@description('Upper bound on replicas.')
@minValue(1)
param maxReplicas int

@description('Open calls (WebSocket connections) per replica before another replica is added.')
@minValue(1)
param concurrentCallsPerReplica int

@description('vCPU per replica.')
param cpu string = '1.0'

@description('Memory per replica.')
param memory string = '2Gi'

@description('Versionless Key Vault secret URIs.')
param secretUris {
  twilioAuthToken: string
  openAiApiKey: string
  bridgeTokenSigningKey: string
  apologyAudio: string
}

@description('Twilio account SID (not a secret).')
param twilioAccountSid string

@description('Blob service endpoint.')
param blobEndpoint string

@description('Table service endpoint.')
param tableEndpoint string

@description('Web PubSub endpoint.')
param webPubSubEndpoint string

@description('Web PubSub hub.')
param webPubSubHub string

@description('Application Insights connection string.')
param appInsightsConnectionString string

var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'
// The ingress forwards to the public port only (/media); probes and metrics use the internal port, which
// nothing outside the replica can reach.
var port = 8080
// Known before the app exists, so the bridge can check Twilio's signature over its own public URL.
var streamUrl = 'wss://${containerAppName}.${containerAppsEnvironmentDomain}/media'
var internalPort = 8081

// A replica being scaled in keeps its live calls this long before it is stopped; the bridge is told the same
// number, so it says goodbye on calls still live and exits before the platform kills it.
var terminationGracePeriodSeconds = 600

resource bridgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: bridgeIdentityName
}

resource bridge 'Microsoft.App/containerApps@2024-03-01' = {
  name: containerAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'media-bridge' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${bridgeIdentity.id}': {}
    }
  }
  properties: {
    managedEnvironmentId: containerAppsEnvironmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        // WebSockets upgrade from HTTP/1.1; 'auto' keeps that path open.
        transport: 'auto'
        allowInsecure: false
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: [
        {
          server: registryLoginServer
          identity: bridgeIdentity.id
        }
      ]
      // Key Vault references resolved with the bridge identity; no secret value passes through ARM here.
      secrets: [
        {
          name: 'bridge-token-signing-key'
          keyVaultUrl: secretUris.bridgeTokenSigningKey
          identity: bridgeIdentity.id
        }
        {
          name: 'openai-api-key'
          keyVaultUrl: secretUris.openAiApiKey
          identity: bridgeIdentity.id
        }
        {
          name: 'twilio-auth-token'
          keyVaultUrl: secretUris.twilioAuthToken
          identity: bridgeIdentity.id
        }
        {
          name: 'apology-audio'
          keyVaultUrl: secretUris.apologyAudio
          identity: bridgeIdentity.id
        }
      ]
    }
    template: {
      terminationGracePeriodSeconds: terminationGracePeriodSeconds
      containers: [
        {
          name: 'media-bridge'
          image: empty(imageName) ? placeholderImage : imageName
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: [
            { name: 'Bridge__StreamUrl', value: streamUrl }
            { name: 'Bridge__TokenSigningKey', secretRef: 'bridge-token-signing-key' }
            { name: 'MediaBridge__ApologyAudio', secretRef: 'apology-audio' }
            { name: 'OpenAI__ApiKey', secretRef: 'openai-api-key' }
            { name: 'Twilio__AccountSid', value: twilioAccountSid }
            { name: 'Twilio__AuthToken', secretRef: 'twilio-auth-token' }
            { name: 'Storage__BlobServiceUri', value: blobEndpoint }
            { name: 'Storage__TableServiceUri', value: tableEndpoint }
            { name: 'Storage__ManagedIdentityClientId', value: bridgeIdentity.properties.clientId }
            { name: 'WebPubSub__Endpoint', value: webPubSubEndpoint }
            { name: 'WebPubSub__Hub', value: webPubSubHub }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
            {
              name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
              value: 'Authorization=AAD;ClientId=${bridgeIdentity.properties.clientId}'
            }
            { name: 'AZURE_CLIENT_ID', value: bridgeIdentity.properties.clientId }
            { name: 'MediaBridge__Port', value: string(port) }
            { name: 'MediaBridge__InternalPort', value: string(internalPort) }
            { name: 'MediaBridge__ShutdownGraceSeconds', value: string(terminationGracePeriodSeconds) }
            // Measured: the thread pool's spin-waiting nearly doubles the relay's CPU per call.
            { name: 'DOTNET_ThreadPool_UnfairSemaphoreSpinLimit', value: '0' }
            // Measured: socket completions on the socket thread, no thread-pool hop per message.
            { name: 'DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS', value: '1' }
            // Measured: a 2 MiB gen0 budget keeps the idle bridge's committed GC memory lower (media-bridge/Dockerfile).
            // Hex digits without "0x": the Native AOT runtime ignores a value with the prefix.
            { name: 'DOTNET_GCgen0size', value: '200000' }
          ]
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: internalPort
              }
              initialDelaySeconds: 5
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: internalPort
              }
              initialDelaySeconds: 2
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'concurrent-calls'
            http: {
              metadata: {
                concurrentRequests: string(concurrentCallsPerReplica)
              }
            }
          }
        ]
      }
    }
  }
}

@description('Public host name of the bridge.')
output fqdn string = bridge.properties.configuration.ingress.fqdn
