# Copy to terraform.tfvars (ignored by git) and fill in. Secrets can also come from the environment,
# for example TF_VAR_provider_api_key and TF_VAR_qdrant_cloud_api_key.
subscription_id = "00000000-0000-0000-0000-000000000000"
name_prefix     = "aspireai"
environment     = "dev"
location        = "westeurope"
image_tag       = "latest"

qdrant_mode      = "cloud"
qdrant_cloud_url = "https://your-cluster.cloud.qdrant.io:6334"

telemetry = "collector"

tags = {
  owner = "platform-team"
}
