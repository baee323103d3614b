#!/usr/bin/env bash
# The deployment checks (`make deploy-check`, part of `make test`):
#   generated files match the declarations · osls compose packages every stack (one per service + shared)
#   and the monolith · no stack above the resource budget (counts printed) · cfn-lint on each template ·
#   terraform fmt / init (offline, from the image's provider mirror) / validate · checkov on the Terraform.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
TOOLS=.venv-deploy/bin
TF_PLUGIN_DIR=${TF_PLUGIN_DIR:-/opt/tf-plugins}
export TF_CLI_CONFIG_FILE="$PWD/infra/terraform/.terraformrc" TF_IN_AUTOMATION=1

step() { printf '\n==> %s\n' "$*"; }

step "generated deployment files match the declarations"
$BIN/stratus generate --check

step "build artifacts (build/code.zip, build/deps-layer.zip)"
$BIN/stratus package

step "serverless: osls compose package (every stack) and the monolith, resources per stack, cfn-lint"
# osls asks CloudFormation whether the deps layer changed; a throwaway moto server answers "no such stack",
# so packaging needs no AWS account and no network.
port=$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$BIN/moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port" && break; sleep 0.2; done
$BIN/python -m stratus.deploy.osls package --endpoint "http://127.0.0.1:$port"
$BIN/python -m stratus.deploy.osls sizes   # fails when a stack is above the budget (400 of CloudFormation's 500)
$BIN/python -m stratus.deploy.osls lint --cfn-lint "$TOOLS/cfn-lint"

step "localstack init hook: run it against the emulator (awslocal = aws --endpoint-url), then health"
shim=$(mktemp -d)
printf '#!/usr/bin/env bash\nexec %s --endpoint-url "http://127.0.0.1:%s" "$@"\n' "$PWD/$TOOLS/aws" "$port" > "$shim/awslocal"
chmod +x "$shim/awslocal"
PATH="$shim:$PATH" AWS_ACCESS_KEY_ID=dummy AWS_SECRET_ACCESS_KEY=dummy AWS_DEFAULT_REGION=us-east-1 \
  bash localstack/init/ready.d/10-stratus.sh
$BIN/python - "$port" <<'PY'
import os, sys
from functions.catalog import registry
from stratus.emulator import point_process_at
from shared.adapters.gateway import Gateway, HttpRequest
os.environ["STRATUS_STAGE"] = "local"
point_process_at(f"http://127.0.0.1:{sys.argv[1]}", extra={"STRATUS_TABLES": ",".join(t.name for t in registry().tables())})
reply = Gateway(registry()).handle(HttpRequest("GET", "/internal/health", headers={}))
assert reply.status == 200, reply.body
print("  the hook's resources are what the platform expects: /internal/health is healthy")
PY

step "terraform: fmt, init from the provider mirror, validate"
terraform fmt -check -recursive infra/terraform
(
  cd infra/terraform/envs/dev
  terraform init -backend=false -input=false -plugin-dir="$TF_PLUGIN_DIR" >/dev/null
  terraform validate
)

step "checkov on the Terraform (findings are fixed or skipped inline with a reason)"
$TOOLS/checkov -d infra/terraform --framework terraform --compact --quiet --skip-download
