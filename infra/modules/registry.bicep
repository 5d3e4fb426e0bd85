// Container registry for the media bridge image. No admin user: azd pushes with the developer's Entra ID
// token and the bridge pulls with its identity (AcrPull).

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Registry name (5-50 letters and digits).')
@minLength(5)
@maxLength(50)
param registryName string

@description('Identity of the media bridge (existing).')
param bridgeIdentityName string

var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource bridgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: bridgeIdentityName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource bridgePull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, bridgeIdentity.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Registry login server, e.g. cr123.azurecr.io')
output loginServer string = registry.properties.loginServer
