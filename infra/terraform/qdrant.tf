# Qdrant on a VM (qdrant_mode = "vm"). Qdrant keeps its storage on a managed disk, which is block
# storage as Qdrant requires; Container Apps volumes are Azure Files shares, which it does not support.
# With qdrant_mode = "cloud" nothing in this file is created.

locals {
  qdrant_on_vm = var.qdrant_mode == "vm"
}

resource "azurerm_subnet" "qdrant" {
  count = local.qdrant_on_vm ? 1 : 0

  name                 = "snet-qdrant"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_address_space, 27 - tonumber(split("/", var.vnet_address_space)[1]), 16)]
}

resource "azurerm_network_security_group" "qdrant" {
  count = local.qdrant_on_vm ? 1 : 0

  name                = "nsg-${local.name}-qdrant"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  tags                = local.tags

  security_rule {
    name                       = "allow-apps-to-qdrant"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefixes    = azurerm_subnet.apps.address_prefixes
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_ranges    = ["6333", "6334"]
  }
}

resource "azurerm_subnet_network_security_group_association" "qdrant" {
  count = local.qdrant_on_vm ? 1 : 0

  subnet_id                 = azurerm_subnet.qdrant[0].id
  network_security_group_id = azurerm_network_security_group.qdrant[0].id
}

resource "azurerm_network_interface" "qdrant" {
  count = local.qdrant_on_vm ? 1 : 0

  name                = "nic-${local.name}-qdrant"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  tags                = local.tags

  ip_configuration {
    name                          = "internal"
    subnet_id                     = azurerm_subnet.qdrant[0].id
    private_ip_address_allocation = "Dynamic"
  }
}

resource "azurerm_linux_virtual_machine" "qdrant" {
  count = local.qdrant_on_vm ? 1 : 0

  name                  = "vm-${local.name}-qdrant"
  resource_group_name   = azurerm_resource_group.main.name
  location              = azurerm_resource_group.main.location
  size                  = var.qdrant_vm.size
  admin_username        = "aspireai"
  network_interface_ids = [azurerm_network_interface.qdrant[0].id]
  tags                  = local.tags

  # NOTE: the Qdrant API key is part of the cloud-init data, so anyone who can read the VM's
  # configuration can read the key.
  custom_data = base64encode(templatefile("${path.module}/qdrant-cloud-init.yaml.tftpl", {
    qdrant_image = "docker.io/qdrant/qdrant:${var.qdrant_vm.image_tag}"
    api_key      = random_password.qdrant_api_key.result
  }))

  admin_ssh_key {
    username   = "aspireai"
    public_key = var.qdrant_vm.admin_ssh_public_key
  }

  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "StandardSSD_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "ubuntu-24_04-lts"
    sku       = "server"
    version   = "latest"
  }
}

resource "azurerm_managed_disk" "qdrant" {
  count = local.qdrant_on_vm ? 1 : 0

  name                 = "disk-${local.name}-qdrant-data"
  resource_group_name  = azurerm_resource_group.main.name
  location             = azurerm_resource_group.main.location
  storage_account_type = var.qdrant_vm.data_disk_sku
  create_option        = "Empty"
  disk_size_gb         = var.qdrant_vm.data_disk_size_gb
  tags                 = local.tags
}

resource "azurerm_virtual_machine_data_disk_attachment" "qdrant" {
  count = local.qdrant_on_vm ? 1 : 0

  managed_disk_id    = azurerm_managed_disk.qdrant[0].id
  virtual_machine_id = azurerm_linux_virtual_machine.qdrant[0].id
  lun                = 0
  caching            = "None"
}
