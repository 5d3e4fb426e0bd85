// The product's storage account: tables (CRM, call log), the recordings container, the Durable task hub
// and the Flex Consumption deployment packages. Shared keys are off, so every caller uses Entra ID.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('Blob container holding call recordings.')
param recordingsContainerName string

@description('Blob container holding the Function App deployment packages.')
param deploymentContainerName string

@description('Recordings older than this many days are deleted by a lifecycle rule.')
@minValue(1)
@maxValue(3650)
param recordingRetentionDays int

@description('Days a deleted blob or container can be restored (soft delete); a wrong delete is undone within them.')
@minValue(14)
@maxValue(365)
param deletedDataRetentionDays int

@description('Blob container holding the daily table exports (docs/runbook.md: Backups).')
param backupContainerName string

@description('Identity of the Function App (existing).')
param functionIdentityName string

@description('Identity of the media bridge (existing).')
param bridgeIdentityName string

@description('Object id of the person or pipeline running azd; empty grants nothing.')
param developerPrincipalId string

@description('Kind of principal behind developerPrincipalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param developerPrincipalType string

var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
}

// The Functions host and the Durable task hub use blobs (leases, packages, recordings), queues and tables.
var functionRoles = [
  roles.blobDataOwner
  roles.tableDataContributor
  roles.queueDataContributor
]

// The same data roles let the developer open the task hub in Durable Functions Monitor with Entra ID.
var developerRoles = empty(developerPrincipalId) ? [] : functionRoles

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: functionIdentityName
}

resource bridgeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: bridgeIdentityName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

// Soft delete keeps a deleted recording, export or whole container restorable for a while.
resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: deletedDataRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: deletedDataRetentionDays
    }
  }
}

resource recordings 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: recordingsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource backups 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: backupContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2024-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-recordings'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${recordings.name}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: recordingRetentionDays
                }
              }
              snapshot: {
                delete: {
                  daysAfterCreationGreaterThan: recordingRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource functionAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in functionRoles: {
    name: guid(storage.id, functionIdentity.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: functionIdentity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The bridge writes conversation turns (tables) and, at start-up, makes sure the recordings container
// exists; its blob role is scoped to that one container.
resource bridgeTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, bridgeIdentity.id, roles.tableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.tableDataContributor)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource bridgeRecordings 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(recordings.id, bridgeIdentity.id, roles.blobDataOwner)
  scope: recordings
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.blobDataOwner)
    principalId: bridgeIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource developerAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in developerRoles: {
    name: guid(storage.id, developerPrincipalId, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: developerPrincipalId
      principalType: developerPrincipalType
    }
  }
]

@description('Blob service endpoint, https://<account>.blob.<suffix>/')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Table service endpoint, https://<account>.table.<suffix>/')
output tableEndpoint string = storage.properties.primaryEndpoints.table
