#!/usr/bin/env bash
# Offline checks of infra/terraform: formatting (terraform fmt) and an HCL parse of every file with
# checks of declarations (tools/check-hcl.mjs). `terraform validate` is not run because it needs the
# azurerm and random providers, which are downloaded from the Terraform registry.
# Needs terraform and Node.js with npm on PATH; installs the parser into tools/node_modules once.
set -euo pipefail

cd "$(dirname "$0")"

# When the CLI configuration file is missing, terraform prints a warning on every command, so an
# empty one is used.
if [ ! -f "${TF_CLI_CONFIG_FILE:-$HOME/.terraformrc}" ]; then
  TF_CLI_CONFIG_FILE="$(mktemp)"
  export TF_CLI_CONFIG_FILE
  trap 'rm -f "$TF_CLI_CONFIG_FILE"' EXIT
fi

for tool in terraform node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check.sh: $tool is not on PATH; install it to run the Terraform checks." >&2
    exit 1
  fi
done

echo "terraform fmt -check -recursive ($(terraform version | head -n 1))"
if ! terraform fmt -check -recursive -diff .; then
  echo "check.sh: the files listed above are not formatted; run 'terraform fmt -recursive infra/terraform'." >&2
  exit 1
fi

if [ ! -d tools/node_modules/@cdktf/hcl2json ]; then
  npm ci --prefix tools --no-audit --no-fund --loglevel=error
fi
node tools/check-hcl.mjs .
