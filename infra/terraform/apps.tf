# One container app per service. Names match the AppHost's resource names, and apps in one
# Container Apps environment reach each other at http://<app name>, so the internal URLs below are
# the same shape the AppHost passes in development.

locals {
  use_emulator = nonsensitive(var.provider_api_key == "")
  http_port    = 8080

  telemetry_env = merge(
    var.telemetry == "collector" ? {
      OTEL_EXPORTER_OTLP_ENDPOINT = "http://otel-collector"
      OTEL_EXPORTER_OTLP_PROTOCOL = "http/protobuf"
    } : {},
    var.telemetry == "otlp" ? {
      OTEL_EXPORTER_OTLP_ENDPOINT = var.otlp_endpoint
      OTEL_EXPORTER_OTLP_PROTOCOL = "http/protobuf"
    } : {},
  )
  telemetry_secret_env = local.use_otlp_headers ? { OTEL_EXPORTER_OTLP_HEADERS = "otlp-headers" } : {}

  upstream_env = local.use_emulator ? {
    Completion__Upstream__Provider = "emulator"
    Completion__Upstream__BaseUrl  = "http://provider-emulator/v1"
    } : {
    Completion__Upstream__Provider = "openai"
    Completion__Upstream__BaseUrl  = var.provider_base_url
  }

  all_services = {
    gateway = {
      external = true
      env = merge(local.upstream_env, {
        BillingClient__BaseAddress             = "http://billing"
        Completion__EmbeddingSearchBaseAddress = "http://embedding-search"
      })
      secret_env = {
        ConnectionStrings__redis     = "redis-connection"
        BillingClient__InternalKey   = "billing-internal-key"
        Completion__Upstream__ApiKey = "provider-api-key"
      }
    }
    billing = {
      external = false
      env      = {}
      secret_env = {
        ConnectionStrings__billing = "billing-db-connection"
        Billing__AdminKey          = "billing-admin-key"
        Billing__InternalKey       = "billing-internal-key"
      }
    }
    "embedding-search" = {
      external = false
      env = {
        BillingClient__BaseAddress = "http://billing"
        EmbeddingSearch__Backend   = "Qdrant"
      }
      secret_env = {
        ConnectionStrings__qdrant  = "qdrant-connection"
        BillingClient__InternalKey = "billing-internal-key"
      }
    }
    "provider-emulator" = {
      external = false
      env      = {}
      secret_env = {
        ProviderEmulator__ApiKey = "provider-api-key"
      }
    }
  }

  services = { for name, service in local.all_services : name => service if name != "provider-emulator" || local.use_emulator }
}

resource "azurerm_container_app" "service" {
  for_each = local.services

  name                         = each.key
  resource_group_name          = azurerm_resource_group.main.name
  container_app_environment_id = azurerm_container_app_environment.main.id
  revision_mode                = "Single"
  workload_profile_name        = "Consumption"
  tags                         = local.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.apps.id]
  }

  registry {
    server   = azurerm_container_registry.main.login_server
    identity = azurerm_user_assigned_identity.apps.id
  }

  dynamic "secret" {
    for_each = toset(concat(values(each.value.secret_env), values(local.telemetry_secret_env)))
    content {
      name                = secret.value
      identity            = azurerm_user_assigned_identity.apps.id
      key_vault_secret_id = azurerm_key_vault_secret.app[secret.value].versionless_id
    }
  }

  ingress {
    external_enabled = each.value.external
    target_port      = local.http_port
    transport        = "http"
    # Internal apps are called over plain HTTP inside the environment; the gateway's public
    # endpoint redirects HTTP to HTTPS.
    allow_insecure_connections = !each.value.external

    traffic_weight {
      latest_revision = true
      percentage      = 100
    }
  }

  template {
    min_replicas = var.scale[each.key].min_replicas
    max_replicas = var.scale[each.key].max_replicas

    http_scale_rule {
      name                = "http-concurrency"
      concurrent_requests = tostring(var.scale[each.key].concurrent_requests)
    }

    container {
      name   = each.key
      image  = "${azurerm_container_registry.main.login_server}/aspireai/${each.key}:${var.image_tag}"
      cpu    = 0.5
      memory = "1Gi"

      dynamic "env" {
        for_each = merge(each.value.env, local.telemetry_env, {
          HTTP_PORTS               = tostring(local.http_port)
          OTEL_SERVICE_NAME        = each.key
          OTEL_RESOURCE_ATTRIBUTES = "deployment.environment=${var.environment}"
        })
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = merge(each.value.secret_env, local.telemetry_secret_env)
        content {
          name        = env.key
          secret_name = env.value
        }
      }

      # /alive and /health are mapped by MapDefaultEndpoints in ServiceDefaults in every environment.
      liveness_probe {
        transport               = "HTTP"
        port                    = local.http_port
        path                    = "/alive"
        initial_delay           = 5
        interval_seconds        = 10
        failure_count_threshold = 3
      }

      readiness_probe {
        transport               = "HTTP"
        port                    = local.http_port
        path                    = "/health"
        interval_seconds        = 10
        failure_count_threshold = 3
      }
    }
  }

  depends_on = [
    azurerm_role_assignment.apps_pull_images,
    azurerm_role_assignment.apps_read_secrets,
  ]
}
