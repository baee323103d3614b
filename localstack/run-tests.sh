#!/usr/bin/env bash
# Run the integration suite against LocalStack instead of the embedded moto server.
#   docker compose -f localstack/docker-compose.yml up -d      (or any LocalStack on :4566)
#   localstack/run-tests.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
ENDPOINT=${STRATUS_TEST_ENDPOINT:-http://127.0.0.1:4566}
make install >/dev/null
echo "waiting for LocalStack at $ENDPOINT …"
for _ in $(seq 60); do
  curl -fs "$ENDPOINT/_localstack/init/ready" | grep -q '"completed": true' && break
  sleep 2
done
curl -fs "$ENDPOINT/_localstack/health" >/dev/null || { echo "LocalStack is not answering at $ENDPOINT" >&2; exit 1; }
# The tests provision their own resources under a prefix of their own; the hook's stage `local` is for
# `stratus dev --endpoint $ENDPOINT`.
STRATUS_TEST_ENDPOINT="$ENDPOINT" .venv/bin/pytest tests/integration "$@"
