// Container Apps environment for the media bridge. Console and system logs go to Log Analytics through a
// diagnostic setting (destination azure-monitor), so no workspace shared key is handed to the platform.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Container Apps environment name.')
param environmentName string

@description('Log Analytics workspace receiving the container logs.')
param logAnalyticsId string

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    zoneRedundant: false
  }
}

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: environment
  properties: {
    workspaceId: logAnalyticsId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

@description('Environment resource id.')
output id string = environment.id

@description('Default domain: a container app named N answers at N.<defaultDomain>.')
output defaultDomain string = environment.properties.defaultDomain
