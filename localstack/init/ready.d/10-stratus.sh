#!/usr/bin/env bash
# Generated from the function declarations by `stratus generate`. Do not edit: edit the manifests.
# Creates stage `local` (prefix stratus-local) when LocalStack is ready; safe to run twice.
set -u
REGION="${AWS_DEFAULT_REGION:-us-east-1}"
ACCOUNT="$(awslocal sts get-caller-identity --query Account --output text)"

awslocal dynamodb create-table --table-name stratus-local-idempotency --billing-mode PAY_PER_REQUEST --attribute-definitions '[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]' --key-schema '[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]' >/dev/null || true
awslocal dynamodb update-time-to-live --table-name stratus-local-idempotency --time-to-live-specification '{"Enabled":true,"AttributeName":"expiration"}' >/dev/null || true
awslocal dynamodb create-table --table-name stratus-local-ratelimits --billing-mode PAY_PER_REQUEST --attribute-definitions '[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]' --key-schema '[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]' >/dev/null || true
awslocal dynamodb update-time-to-live --table-name stratus-local-ratelimits --time-to-live-specification '{"Enabled":true,"AttributeName":"expiresAt"}' >/dev/null || true
awslocal dynamodb create-table --table-name stratus-local-tenants --billing-mode PAY_PER_REQUEST --attribute-definitions '[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"gsi1pk","AttributeType":"S"},{"AttributeName":"gsi1sk","AttributeType":"S"}]' --key-schema '[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]' --global-secondary-indexes '[{"IndexName":"gsi1","KeySchema":[{"AttributeName":"gsi1pk","KeyType":"HASH"},{"AttributeName":"gsi1sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]' >/dev/null || true
awslocal dynamodb update-time-to-live --table-name stratus-local-tenants --time-to-live-specification '{"Enabled":true,"AttributeName":"expiresAt"}' >/dev/null || true
awslocal dynamodb create-table --table-name stratus-local-users --billing-mode PAY_PER_REQUEST --attribute-definitions '[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"gsi1pk","AttributeType":"S"},{"AttributeName":"gsi1sk","AttributeType":"S"}]' --key-schema '[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]' --global-secondary-indexes '[{"IndexName":"gsi1","KeySchema":[{"AttributeName":"gsi1pk","KeyType":"HASH"},{"AttributeName":"gsi1sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]' >/dev/null || true
awslocal dynamodb update-time-to-live --table-name stratus-local-users --time-to-live-specification '{"Enabled":true,"AttributeName":"expiresAt"}' >/dev/null || true
awslocal dynamodb create-table --table-name stratus-local-rbac --billing-mode PAY_PER_REQUEST --attribute-definitions '[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"gsi1pk","AttributeType":"S"},{"AttributeName":"gsi1sk","AttributeType":"S"}]' --key-schema '[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]' --global-secondary-indexes '[{"IndexName":"gsi1","KeySchema":[{"AttributeName":"gsi1pk","KeyType":"HASH"},{"AttributeName":"gsi1sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]' >/dev/null || true
awslocal dynamodb update-time-to-live --table-name stratus-local-rbac --time-to-live-specification '{"Enabled":true,"AttributeName":"expiresAt"}' >/dev/null || true
awslocal dynamodb create-table --table-name stratus-local-sessions --billing-mode PAY_PER_REQUEST --attribute-definitions '[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"},{"AttributeName":"gsi1pk","AttributeType":"S"},{"AttributeName":"gsi1sk","AttributeType":"S"}]' --key-schema '[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]' --global-secondary-indexes '[{"IndexName":"gsi1","KeySchema":[{"AttributeName":"gsi1pk","KeyType":"HASH"},{"AttributeName":"gsi1sk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]' >/dev/null || true
awslocal dynamodb update-time-to-live --table-name stratus-local-sessions --time-to-live-specification '{"Enabled":true,"AttributeName":"expiresAt"}' >/dev/null || true

awslocal events create-event-bus --name stratus-local-bus >/dev/null || true

awslocal s3api create-bucket --bucket stratus-local-files >/dev/null 2>&1 || true
awslocal s3api put-bucket-cors --bucket stratus-local-files --cors-configuration '{"CORSRules":[{"AllowedMethods":["GET","PUT","POST"],"AllowedOrigins":["*"],"AllowedHeaders":["*"]}]}'
echo "stratus: stage local is provisioned"
