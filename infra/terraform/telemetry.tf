# With telemetry = "collector", the services export OTLP/HTTP to this OpenTelemetry Collector app,
# which forwards traces, metrics and logs to Application Insights. Changing where telemetry goes
# is a change of this file or of the services' OTEL_* settings, never of the services' code.

locals {
  collector_config = yamlencode({
    receivers = {
      otlp = { protocols = { http = { endpoint = "0.0.0.0:4318" } } }
    }
    processors = {
      batch = {}
    }
    exporters = {
      azuremonitor = { connection_string = "$${env:APPLICATIONINSIGHTS_CONNECTION_STRING}" }
    }
    extensions = {
      health_check = { endpoint = "0.0.0.0:13133" }
    }
    service = {
      extensions = ["health_check"]
      pipelines = {
        traces  = { receivers = ["otlp"], processors = ["batch"], exporters = ["azuremonitor"] }
        metrics = { receivers = ["otlp"], processors = ["batch"], exporters = ["azuremonitor"] }
        logs    = { receivers = ["otlp"], processors = ["batch"], exporters = ["azuremonitor"] }
      }
    }
  })
}

resource "azurerm_container_app" "collector" {
  count = var.telemetry == "collector" ? 1 : 0

  name                         = "otel-collector"
  resource_group_name          = azurerm_resource_group.main.name
  container_app_environment_id = azurerm_container_app_environment.main.id
  revision_mode                = "Single"
  workload_profile_name        = "Consumption"
  tags                         = local.tags

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.apps.id]
  }

  secret {
    name                = "appinsights-connection"
    identity            = azurerm_user_assigned_identity.apps.id
    key_vault_secret_id = azurerm_key_vault_secret.app["appinsights-connection"].versionless_id
  }

  ingress {
    external_enabled           = false
    target_port                = 4318
    transport                  = "http"
    allow_insecure_connections = true

    traffic_weight {
      latest_revision = true
      percentage      = 100
    }
  }

  template {
    min_replicas = 1
    max_replicas = 3

    container {
      name   = "otel-collector"
      image  = var.collector_image
      cpu    = 0.25
      memory = "0.5Gi"
      args   = ["--config=env:OTELCOL_CONFIG"]

      env {
        name  = "OTELCOL_CONFIG"
        value = local.collector_config
      }

      env {
        name        = "APPLICATIONINSIGHTS_CONNECTION_STRING"
        secret_name = "appinsights-connection"
      }

      liveness_probe {
        transport        = "HTTP"
        port             = 13133
        path             = "/"
        interval_seconds = 10
      }

      readiness_probe {
        transport        = "HTTP"
        port             = 13133
        path             = "/"
        interval_seconds = 10
      }
    }
  }

  depends_on = [azurerm_role_assignment.apps_read_secrets]
}
