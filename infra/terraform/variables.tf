variable "subscription_id" {
  description = "The Azure subscription that receives every resource (a GUID). ARM_SUBSCRIPTION_ID is not read when this is set."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.subscription_id))
    error_message = "subscription_id must be a subscription GUID such as 00000000-0000-0000-0000-000000000000 (az account show --query id)."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name: 2 to 10 lowercase letters or digits, starting with a letter."
  type        = string
  default     = "aspireai"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.name_prefix))
    error_message = "name_prefix must be 2 to 10 lowercase letters or digits and start with a letter, because registry and Key Vault names allow no other characters."
  }
}

variable "environment" {
  description = "Deployment environment, part of every resource name: 1 to 8 lowercase letters or digits (dev, test, prod)."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z0-9]{1,8}$", var.environment))
    error_message = "environment must be 1 to 8 lowercase letters or digits, for example dev or prod."
  }
}

variable "location" {
  description = "Azure region of every resource, for example westeurope or eastus2. The region must offer Container Apps with workload profiles and PostgreSQL flexible server."
  type        = string
  default     = "westeurope"

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.location))
    error_message = "location must be an Azure region name in lowercase without spaces, for example westeurope (az account list-locations --query [].name)."
  }
}

variable "tags" {
  description = "Tags added to every resource, on top of application, environment and managed-by."
  type        = map(string)
  default     = {}
}

variable "image_tag" {
  description = "Tag of the service images in the container registry (aspireai/gateway, aspireai/billing, aspireai/embedding-search, aspireai/provider-emulator). docs/deploy.md shows how to push them."
  type        = string
  default     = "latest"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid container image tag: up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'."
  }
}

variable "scale" {
  description = "Replica range and the concurrent HTTP requests per replica that add a replica, per service. min_replicas 0 lets a service scale to zero, at the price of a cold start on its first request."
  type = map(object({
    min_replicas        = number
    max_replicas        = number
    concurrent_requests = number
  }))
  default = {
    gateway             = { min_replicas = 1, max_replicas = 10, concurrent_requests = 50 }
    billing             = { min_replicas = 1, max_replicas = 5, concurrent_requests = 100 }
    "embedding-search"  = { min_replicas = 1, max_replicas = 5, concurrent_requests = 20 }
    "provider-emulator" = { min_replicas = 1, max_replicas = 2, concurrent_requests = 100 }
  }

  validation {
    condition     = alltrue([for name in ["gateway", "billing", "embedding-search", "provider-emulator"] : contains(keys(var.scale), name)])
    error_message = "scale must have an entry for each of gateway, billing, embedding-search and provider-emulator."
  }

  validation {
    condition = alltrue([
      for service in values(var.scale) :
      service.min_replicas >= 0 && service.max_replicas >= 1 && service.max_replicas <= 300 && service.min_replicas <= service.max_replicas && service.concurrent_requests >= 1
    ])
    error_message = "Each scale entry needs 0 <= min_replicas <= max_replicas <= 300, max_replicas >= 1 and concurrent_requests >= 1."
  }
}

variable "provider_api_key" {
  description = "API key of the OpenAI-compatible upstream. Empty deploys the provider emulator as the gateway's upstream, which answers with generated text and costs no provider fees."
  type        = string
  default     = ""
  sensitive   = true
}

variable "provider_base_url" {
  description = "Base URL of the OpenAI-compatible upstream, including /v1. Used only when provider_api_key is set."
  type        = string
  default     = "https://api.openai.com/v1"

  validation {
    condition     = can(regex("^https?://[^\\s]+$", var.provider_base_url))
    error_message = "provider_base_url must be an http or https URL, for example https://api.openai.com/v1."
  }
}

variable "postgres" {
  description = "Azure Database for PostgreSQL flexible server: SKU (B_Standard_B1ms is the smallest burstable size), major version, storage in MB and backup retention in days."
  type = object({
    sku_name              = string
    version               = string
    storage_mb            = number
    backup_retention_days = number
  })
  default = {
    sku_name              = "B_Standard_B1ms"
    version               = "16"
    storage_mb            = 32768
    backup_retention_days = 7
  }

  validation {
    condition     = can(regex("^(B|GP|MO)_Standard_", var.postgres.sku_name))
    error_message = "postgres.sku_name must be a flexible server SKU such as B_Standard_B1ms, GP_Standard_D2ds_v5 or MO_Standard_E2ds_v5."
  }

  validation {
    condition     = contains(["14", "15", "16", "17"], var.postgres.version)
    error_message = "postgres.version must be one of 14, 15, 16 or 17."
  }

  validation {
    condition     = var.postgres.storage_mb >= 32768 && var.postgres.backup_retention_days >= 7 && var.postgres.backup_retention_days <= 35
    error_message = "postgres.storage_mb must be at least 32768 and postgres.backup_retention_days from 7 to 35."
  }
}

variable "redis" {
  description = "Azure Cache for Redis size: sku_name Basic, Standard or Premium; family C (Basic, Standard) or P (Premium); capacity 0 to 6 (C) or 1 to 5 (P). Basic C0 has no replica and no SLA."
  type = object({
    sku_name = string
    family   = string
    capacity = number
  })
  default = {
    sku_name = "Basic"
    family   = "C"
    capacity = 0
  }

  validation {
    condition = (
      (contains(["Basic", "Standard"], var.redis.sku_name) && var.redis.family == "C" && var.redis.capacity >= 0 && var.redis.capacity <= 6)
      || (var.redis.sku_name == "Premium" && var.redis.family == "P" && var.redis.capacity >= 1 && var.redis.capacity <= 5)
    )
    error_message = "redis must be Basic or Standard with family C and capacity 0-6, or Premium with family P and capacity 1-5."
  }
}

variable "qdrant_mode" {
  description = "Where Qdrant runs: \"cloud\" uses a managed Qdrant Cloud cluster (qdrant_cloud_url and qdrant_cloud_api_key); \"vm\" runs Qdrant on a Linux VM with a managed data disk in the environment's virtual network."
  type        = string
  default     = "cloud"

  validation {
    condition     = contains(["cloud", "vm"], var.qdrant_mode)
    error_message = "qdrant_mode must be \"cloud\" or \"vm\". Container Apps volumes are Azure Files shares, which Qdrant does not support for storage, so Qdrant does not run as a container app here."
  }
}

variable "qdrant_cloud_url" {
  description = "gRPC URL of the Qdrant Cloud cluster, with port 6334, for example https://xyz.eu-central-1-0.aws.cloud.qdrant.io:6334. Required when qdrant_mode is \"cloud\"."
  type        = string
  default     = ""

  validation {
    condition     = var.qdrant_cloud_url == "" || can(regex("^https://[^\\s/]+:6334/?$", var.qdrant_cloud_url))
    error_message = "qdrant_cloud_url must be an https URL that ends with the gRPC port :6334, for example https://xyz.cloud.qdrant.io:6334."
  }

  validation {
    condition     = var.qdrant_mode != "cloud" || var.qdrant_cloud_url != ""
    error_message = "qdrant_cloud_url is required when qdrant_mode is \"cloud\". Set it to the cluster's gRPC URL, or set qdrant_mode = \"vm\"."
  }
}

variable "qdrant_cloud_api_key" {
  description = "API key of the Qdrant Cloud cluster. Required when qdrant_mode is \"cloud\"."
  type        = string
  default     = ""
  sensitive   = true
}

variable "qdrant_vm" {
  description = "Qdrant VM settings when qdrant_mode is \"vm\": VM size, data disk size in GB, disk SKU, Qdrant image tag and the SSH public key of the admin user."
  type = object({
    size                 = string
    data_disk_size_gb    = number
    data_disk_sku        = string
    image_tag            = string
    admin_ssh_public_key = string
  })
  default = {
    size                 = "Standard_B2s"
    data_disk_size_gb    = 32
    data_disk_sku        = "StandardSSD_LRS"
    image_tag            = "v1.15.5"
    admin_ssh_public_key = ""
  }

  validation {
    condition     = contains(["Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "PremiumV2_LRS"], var.qdrant_vm.data_disk_sku) && var.qdrant_vm.data_disk_size_gb >= 4
    error_message = "qdrant_vm.data_disk_sku must be Standard_LRS, StandardSSD_LRS, Premium_LRS or PremiumV2_LRS, and qdrant_vm.data_disk_size_gb at least 4."
  }

  validation {
    condition     = var.qdrant_mode != "vm" || can(regex("^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp256) ", var.qdrant_vm.admin_ssh_public_key))
    error_message = "qdrant_vm.admin_ssh_public_key is required when qdrant_mode is \"vm\": paste an OpenSSH public key (ssh-ed25519 ... or ssh-rsa ...)."
  }
}

variable "telemetry" {
  description = "Where the services send OpenTelemetry: \"collector\" runs an OpenTelemetry Collector app that exports to Application Insights; \"otlp\" sends straight to otlp_endpoint; \"none\" exports nothing."
  type        = string
  default     = "collector"

  validation {
    condition     = contains(["collector", "otlp", "none"], var.telemetry)
    error_message = "telemetry must be \"collector\", \"otlp\" or \"none\"."
  }
}

variable "otlp_endpoint" {
  description = "OTLP/HTTP endpoint of your own collector or backend, used when telemetry is \"otlp\", for example https://otlp.example.com:4318."
  type        = string
  default     = ""

  validation {
    condition     = var.otlp_endpoint == "" || can(regex("^https?://[^\\s]+$", var.otlp_endpoint))
    error_message = "otlp_endpoint must be an http or https URL such as https://otlp.example.com:4318."
  }

  validation {
    condition     = var.telemetry != "otlp" || var.otlp_endpoint != ""
    error_message = "otlp_endpoint is required when telemetry is \"otlp\"."
  }
}

variable "otlp_headers" {
  description = "OTEL_EXPORTER_OTLP_HEADERS for telemetry \"otlp\", for example api-key=secret. Stored in Key Vault."
  type        = string
  default     = ""
  sensitive   = true
}

variable "collector_image" {
  description = "OpenTelemetry Collector image with the azuremonitor exporter (the contrib distribution), used when telemetry is \"collector\"."
  type        = string
  default     = "docker.io/otel/opentelemetry-collector-contrib:0.120.0"
}

variable "log_retention_days" {
  description = "Days that Log Analytics and Application Insights keep data: 30 to 730."
  type        = number
  default     = 30

  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 730
    error_message = "log_retention_days must be from 30 to 730."
  }
}

variable "vnet_address_space" {
  description = "Address space of the virtual network. It must hold a /23 for the Container Apps environment and a /27 for the Qdrant VM."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vnet_address_space, 0)) && tonumber(split("/", var.vnet_address_space)[1]) <= 22
    error_message = "vnet_address_space must be a CIDR block of /22 or larger, for example 10.40.0.0/16."
  }
}
