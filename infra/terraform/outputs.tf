output "gateway_url" {
  description = "Public HTTPS URL of the gateway; OpenAI-compatible clients use <gateway_url>/v1 as their base URL."
  value       = "https://${azurerm_container_app.service["gateway"].ingress[0].fqdn}"
}

output "dashboard_url" {
  description = "Application Insights in the Azure portal, where the services' traces, metrics and logs arrive when telemetry is \"collector\"."
  value       = "https://portal.azure.com/#@${data.azurerm_client_config.current.tenant_id}/resource${azurerm_application_insights.main.id}/overview"
}

output "log_analytics_workspace_id" {
  description = "Log Analytics workspace of the Container Apps environment, which holds the apps' console logs."
  value       = azurerm_log_analytics_workspace.main.id
}

output "container_registry_login_server" {
  description = "Registry to push the service images to, as <login server>/aspireai/<service>:<image_tag>."
  value       = azurerm_container_registry.main.login_server
}

output "key_vault_name" {
  description = "Key Vault with every secret the apps read; the billing admin key is the secret billing-admin-key."
  value       = azurerm_key_vault.main.name
}

output "resource_group_name" {
  description = "Resource group that holds every resource of this deployment."
  value       = azurerm_resource_group.main.name
}
