# Remote state in an Azure Storage blob, with locking through the blob lease. Copy this block into
# infra/terraform (for example as backend.tf), fill in your storage account, then run
# `terraform init -migrate-state`. The state holds every generated secret, so limit who can read
# the container, and sign in with Microsoft Entra ID rather than an account key.
terraform {
  backend "azurerm" {
    resource_group_name  = "rg-aspireai-tfstate"
    storage_account_name = "aspireaitfstate"
    container_name       = "tfstate"
    key                  = "aspireai/dev.terraform.tfstate"
    use_azuread_auth     = true
  }
}
