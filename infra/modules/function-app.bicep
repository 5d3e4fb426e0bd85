// The Function App on Flex Consumption: webhooks, CRM API, Durable orchestrations. It runs as a
// user-assigned identity for storage (host, task hub, deployment package), Key Vault references,
// Web PubSub and Application Insights; no connection string with a key is configured anywhere.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Flex Consumption plan name.')
param planName string

@description('Function App name.')
param functionAppName string

@description('Identity the app runs as (existing).')
param functionIdentityName string

@description('Storage account name (host storage and task hub, reached with the identity).')
param storageAccountName string

@description('Blob service endpoint.')
param blobEndpoint string

@description('Table service endpoint.')
param tableEndpoint string

@description('Blob container holding deployment packages.')
param deploymentContainerName string

@description('Durable Functions task hub name.')
param taskHubName string

@description('Key Vault holding the secrets.')
param keyVaultName string

@description('Secret names in that vault.')
param secretNames {
  twilioAuthToken: string
  openAiApiKey: string
  adminApiKey: string
  bridgeTokenSigningKey: string
  metaAppSecret: string
  metaAccessToken: string
}

@description('Blob container the daily table exports go to.')
param backupContainerName string

@description('Twilio account SID (not a secret).')
param twilioAccountSid string

@description('Public host name of the media bridge.')
param bridgeFqdn string

@description('Origins (https://…) where the dashboard\'s static files are hosted; they may call the API from a browser.')
param dashboardOrigins string[] = []

@description('Web PubSub endpoint.')
param webPubSubEndpoint string

@description('Web PubSub hub.')
param webPubSubHub string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Upper bound on Flex Consumption instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance (MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: functionIdentityName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${functionIdentity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: functionIdentity.id
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: {
        // API keys travel in a header, never in cookies: no credentials mode.
        allowedOrigins: dashboardOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: functionIdentity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Publishing with basic (user name and password) credentials is off; azd deploys with Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

var publicBaseUrl = 'https://${functionApp.properties.defaultHostName}'

// A separate resource, because two settings name the app's own host, known only once the site exists.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: functionIdentity.properties.clientId
    DurableTaskHubName: taskHubName
    Storage__BlobServiceUri: blobEndpoint
    Storage__TableServiceUri: tableEndpoint
    Storage__ManagedIdentityClientId: functionIdentity.properties.clientId
    Auth__AdminKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.adminApiKey})'
    Twilio__AccountSid: twilioAccountSid
    Twilio__AuthToken: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.twilioAuthToken})'
    Twilio__PublicBaseUrl: publicBaseUrl
    Bridge__StreamUrl: 'wss://${bridgeFqdn}/media'
    Bridge__TokenSigningKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.bridgeTokenSigningKey})'
    OpenAI__ApiKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.openAiApiKey})'
    WhatsApp__MetaAppSecret: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.metaAppSecret})'
    WhatsApp__MetaAccessToken: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${secretNames.metaAccessToken})'
    Backup__Container: backupContainerName
    WebPubSub__Endpoint: webPubSubEndpoint
    WebPubSub__Hub: webPubSubHub
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${functionIdentity.properties.clientId}'
    AZURE_CLIENT_ID: functionIdentity.properties.clientId
  }
}

@description('Function App name.')
output name string = functionApp.name

@description('https://<default host name>')
output publicBaseUrl string = publicBaseUrl
