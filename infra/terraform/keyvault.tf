resource "azurerm_key_vault" "main" {
  name                       = local.key_vault_name
  resource_group_name        = azurerm_resource_group.main.name
  location                   = azurerm_resource_group.main.location
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  enable_rbac_authorization  = true
  soft_delete_retention_days = 7
  purge_protection_enabled   = var.environment == "prod"
  tags                       = local.tags
}

# Whoever runs terraform apply writes the secrets below.
resource "azurerm_role_assignment" "deployer_writes_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "azurerm_role_assignment" "apps_read_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.apps.principal_id
}

resource "random_password" "billing_admin_key" {
  length  = 40
  special = false
}

resource "random_password" "billing_internal_key" {
  length  = 40
  special = false
}

resource "random_password" "emulator_api_key" {
  length  = 40
  special = false
}

resource "random_password" "postgres_admin" {
  length  = 32
  special = false
}

resource "random_password" "qdrant_api_key" {
  length  = 40
  special = false
}

locals {
  qdrant_api_key = var.qdrant_mode == "cloud" ? var.qdrant_cloud_api_key : random_password.qdrant_api_key.result
  qdrant_url     = var.qdrant_mode == "cloud" ? var.qdrant_cloud_url : "http://${one(azurerm_network_interface.qdrant[*].private_ip_address)}:6334"

  # Every value here is secret. The apps read them from Key Vault through their managed identity,
  # so no secret appears in a container app's definition. Terraform state still holds them, so
  # keep state in the access-controlled remote backend (examples/remote-state).
  secrets = merge(
    {
      "billing-admin-key"    = random_password.billing_admin_key.result
      "billing-internal-key" = random_password.billing_internal_key.result
      "redis-connection"     = azurerm_redis_cache.main.primary_connection_string
      "billing-db-connection" = join(";", [
        "Host=${azurerm_postgresql_flexible_server.main.fqdn}",
        "Database=${azurerm_postgresql_flexible_server_database.billing.name}",
        "Username=${azurerm_postgresql_flexible_server.main.administrator_login}",
        "Password=${random_password.postgres_admin.result}",
        "SSL Mode=Require",
      ])
      "qdrant-connection" = "Endpoint=${local.qdrant_url};Key=${local.qdrant_api_key}"
      "provider-api-key"  = local.use_emulator ? random_password.emulator_api_key.result : var.provider_api_key
    },
    var.telemetry == "collector" ? { "appinsights-connection" = azurerm_application_insights.main.connection_string } : {},
    local.use_otlp_headers ? { "otlp-headers" = var.otlp_headers } : {},
  )

  # for_each keys must not be sensitive, so the names are built from settings that are not secret.
  use_otlp_headers = var.telemetry == "otlp" && nonsensitive(var.otlp_headers != "")
  secret_names = toset(concat(
    ["billing-admin-key", "billing-internal-key", "redis-connection", "billing-db-connection", "qdrant-connection", "provider-api-key"],
    var.telemetry == "collector" ? ["appinsights-connection"] : [],
    local.use_otlp_headers ? ["otlp-headers"] : [],
  ))
}

resource "azurerm_key_vault_secret" "app" {
  for_each = local.secret_names

  name         = each.key
  value        = local.secrets[each.key]
  key_vault_id = azurerm_key_vault.main.id
  content_type = "text/plain"
  tags         = local.tags

  # NOTE: a new role assignment can take a few minutes to reach Key Vault. If the first apply fails
  # with 403 Forbidden on a secret, run terraform apply again.
  depends_on = [azurerm_role_assignment.deployer_writes_secrets]
}
