// The user-assigned identities the two services run as. Each gets only the roles granted to it by the
// module that owns the resource it reaches (storage, key vault, registry, web pubsub, monitoring).

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Identity of the Function App.')
param functionIdentityName string

@description('Identity of the media bridge container app.')
param bridgeIdentityName string

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: functionIdentityName
  location: location
  tags: tags
}

resource bridgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: bridgeIdentityName
  location: location
  tags: tags
}

@description('Client id of the Function App identity.')
output functionClientId string = functionIdentity.properties.clientId

@description('Client id of the media bridge identity.')
output bridgeClientId string = bridgeIdentity.properties.clientId
