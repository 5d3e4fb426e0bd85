// Key Vault holding the product's secrets. Access is RBAC only, and each identity may read just the
// secrets it uses: the bridge never sees the admin API key.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Identity of the Function App (existing).')
param functionIdentityName string

@description('Identity of the media bridge (existing).')
param bridgeIdentityName string

@secure()
@description('Twilio auth token (webhook signatures, REST calls).')
param twilioAuthToken string

@secure()
@description('OpenAI API key.')
param openAiApiKey string

@secure()
@description('Operator API key.')
param adminApiKey string

@secure()
@description('Key signing the media stream tokens the Function App hands to the bridge.')
param bridgeTokenSigningKey string

@secure()
@description('The Meta app\'s secret (signs WhatsApp Cloud API webhooks).')
param metaAppSecret string

@secure()
@description('The Meta system-user access token (sends through the Graph API).')
param metaAccessToken string

@secure()
@description('The apology clip the bridge plays when OpenAI is lost mid-call: base64 of raw μ-law, 8 kHz, mono.')
param apologyAudio string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: functionIdentityName
}

resource bridgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: bridgeIdentityName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
  }
}

resource twilioAuthTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'twilio-auth-token'
  properties: {
    value: twilioAuthToken
    contentType: 'text/plain'
  }
}

resource openAiApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'openai-api-key'
  properties: {
    value: openAiApiKey
    contentType: 'text/plain'
  }
}

resource adminApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'admin-api-key'
  properties: {
    value: adminApiKey
    contentType: 'text/plain'
  }
}

resource bridgeTokenSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bridge-token-signing-key'
  properties: {
    value: bridgeTokenSigningKey
    contentType: 'text/plain'
  }
}

resource metaAppSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'meta-app-secret'
  properties: {
    value: metaAppSecret
    contentType: 'text/plain'
  }
}

resource metaAccessTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'meta-access-token'
  properties: {
    value: metaAccessToken
    contentType: 'text/plain'
  }
}

resource apologyAudioSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'apology-audio'
  properties: {
    value: apologyAudio
    contentType: 'audio/basic;encoding=base64'
  }
}

// Function App: every secret but the apology clip.
resource functionReadsTwilio 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(twilioAuthTokenSecret.id, functionIdentity.id, keyVaultSecretsUser)
  scope: twilioAuthTokenSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource functionReadsOpenAi 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(openAiApiKeySecret.id, functionIdentity.id, keyVaultSecretsUser)
  scope: openAiApiKeySecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource functionReadsAdminKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(adminApiKeySecret.id, functionIdentity.id, keyVaultSecretsUser)
  scope: adminApiKeySecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource functionReadsSigningKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(bridgeTokenSigningKeySecret.id, functionIdentity.id, keyVaultSecretsUser)
  scope: bridgeTokenSigningKeySecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource functionReadsMetaAppSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(metaAppSecretSecret.id, functionIdentity.id, keyVaultSecretsUser)
  scope: metaAppSecretSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource functionReadsMetaAccessToken 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(metaAccessTokenSecret.id, functionIdentity.id, keyVaultSecretsUser)
  scope: metaAccessTokenSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Media bridge: the signing key, OpenAI, Twilio (for the hangup call) and the apology clip; not the admin
// key or the Meta secrets.
resource bridgeReadsTwilio 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(twilioAuthTokenSecret.id, bridgeIdentity.id, keyVaultSecretsUser)
  scope: twilioAuthTokenSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bridgeReadsOpenAi 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(openAiApiKeySecret.id, bridgeIdentity.id, keyVaultSecretsUser)
  scope: openAiApiKeySecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bridgeReadsSigningKey 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(bridgeTokenSigningKeySecret.id, bridgeIdentity.id, keyVaultSecretsUser)
  scope: bridgeTokenSigningKeySecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bridgeReadsApologyAudio 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(apologyAudioSecret.id, bridgeIdentity.id, keyVaultSecretsUser)
  scope: apologyAudioSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Vault name, for the Function App Key Vault references.')
output name string = vault.name

@description('Versionless secret URIs for the container app secrets (latest version wins).')
output secretUris {
  twilioAuthToken: string
  openAiApiKey: string
  adminApiKey: string
  bridgeTokenSigningKey: string
  metaAppSecret: string
  metaAccessToken: string
  apologyAudio: string
} = {
  twilioAuthToken: twilioAuthTokenSecret.properties.secretUri
  openAiApiKey: openAiApiKeySecret.properties.secretUri
  adminApiKey: adminApiKeySecret.properties.secretUri
  bridgeTokenSigningKey: bridgeTokenSigningKeySecret.properties.secretUri
  metaAppSecret: metaAppSecretSecret.properties.secretUri
  metaAccessToken: metaAccessTokenSecret.properties.secretUri
  apologyAudio: apologyAudioSecret.properties.secretUri
}

@description('Secret names, for the Function App Key Vault references.')
output secretNames {
  twilioAuthToken: string
  openAiApiKey: string
  adminApiKey: string
  bridgeTokenSigningKey: string
  metaAppSecret: string
  metaAccessToken: string
  apologyAudio: string
} = {
  twilioAuthToken: twilioAuthTokenSecret.name
  openAiApiKey: openAiApiKeySecret.name
  adminApiKey: adminApiKeySecret.name
  bridgeTokenSigningKey: bridgeTokenSigningKeySecret.name
  metaAppSecret: metaAppSecretSecret.name
  metaAccessToken: metaAccessTokenSecret.name
  apologyAudio: apologyAudioSecret.name
}
