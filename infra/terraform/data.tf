resource "azurerm_redis_cache" "main" {
  name                 = "redis-${local.name}-${random_string.suffix.result}"
  resource_group_name  = azurerm_resource_group.main.name
  location             = azurerm_resource_group.main.location
  sku_name             = var.redis.sku_name
  family               = var.redis.family
  capacity             = var.redis.capacity
  non_ssl_port_enabled = false
  minimum_tls_version  = "1.2"
  tags                 = local.tags
}

resource "azurerm_postgresql_flexible_server" "main" {
  name                          = "psql-${local.name}-${random_string.suffix.result}"
  resource_group_name           = azurerm_resource_group.main.name
  location                      = azurerm_resource_group.main.location
  version                       = var.postgres.version
  sku_name                      = var.postgres.sku_name
  storage_mb                    = var.postgres.storage_mb
  backup_retention_days         = var.postgres.backup_retention_days
  administrator_login           = "aspireai"
  administrator_password        = random_password.postgres_admin.result
  public_network_access_enabled = true
  tags                          = local.tags

  lifecycle {
    # Azure picks an availability zone when none is given; a later plan must not move the server.
    ignore_changes = [zone, high_availability[0].standby_availability_zone]
  }
}

# 0.0.0.0 to 0.0.0.0 is Azure's rule for "allow Azure services", which lets the container apps in.
# NOTE: it also lets in other Azure tenants' services that know the password. A private endpoint
# or VNet-integrated server closes that; it is not built here.
resource "azurerm_postgresql_flexible_server_firewall_rule" "azure_services" {
  name             = "allow-azure-services"
  server_id        = azurerm_postgresql_flexible_server.main.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}

resource "azurerm_postgresql_flexible_server_database" "billing" {
  name      = "billing"
  server_id = azurerm_postgresql_flexible_server.main.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}
