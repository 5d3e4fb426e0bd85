// Azure Web PubSub for live call events on the dashboards. Access keys are disabled: the Function App
// and the bridge call its REST API with their identities (Web PubSub Service Owner).

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Web PubSub service name.')
param webPubSubName string

@description('Pricing tier.')
@allowed([
  'Free_F1'
  'Standard_S1'
])
param sku string

@description('Hub the dashboards join.')
param hubName string

@description('Identity of the Function App (existing).')
param functionIdentityName string

@description('Identity of the media bridge (existing).')
param bridgeIdentityName string

var webPubSubServiceOwner = '12cf5a90-567b-43ae-8102-96cf46c7d9b4'

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: functionIdentityName
}

resource bridgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: bridgeIdentityName
}

resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: webPubSubName
  location: location
  tags: tags
  kind: 'WebPubSub'
  sku: {
    name: sku
    tier: sku == 'Free_F1' ? 'Free' : 'Standard'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
  }
}

resource hub 'Microsoft.SignalRService/webPubSub/hubs@2024-03-01' = {
  parent: webPubSub
  name: hubName
  properties: {
    // Dashboards connect with a token from the negotiate route only.
    anonymousConnectPolicy: 'deny'
  }
}

resource functionOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, functionIdentity.id, webPubSubServiceOwner)
  scope: webPubSub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', webPubSubServiceOwner)
    principalId: functionIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bridgeOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(webPubSub.id, bridgeIdentity.id, webPubSubServiceOwner)
  scope: webPubSub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', webPubSubServiceOwner)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Service endpoint, https://<name>.webpubsub.azure.com')
output endpoint string = 'https://${webPubSub.properties.hostName}'

@description('Hub name.')
output hubName string = hub.name
