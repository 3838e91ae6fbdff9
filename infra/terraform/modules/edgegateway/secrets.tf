# Secrets Manager secrets, injected into the containers with `secrets` (ecs.tf), never `environment`.
# The four keys get their values from (sensitive) variables. The gateway token does not: the running
# management plane mints it and you store it with `aws secretsmanager put-secret-value` (docs/deploy-aws.md),
# so that rotating it never fights Terraform.

resource "aws_secretsmanager_secret" "admin_key" {
  name                    = "${var.name}/management/admin-key"
  description             = "EdgeGateway management plane: admin API key (Management:AdminKeys:0)"
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "admin_key" {
  secret_id     = aws_secretsmanager_secret.admin_key.id
  secret_string = var.admin_key
}

resource "aws_secretsmanager_secret" "signing_key" {
  name                    = "${var.name}/management/signing-key"
  description             = "EdgeGateway management plane: ECDSA P-256 private key that signs snapshots (Management:SigningKey)"
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "signing_key" {
  secret_id     = aws_secretsmanager_secret.signing_key.id
  secret_string = var.management_signing_key_pem
}

resource "aws_secretsmanager_secret" "encryption_key" {
  name                    = "${var.name}/management/encryption-key"
  description             = "EdgeGateway management plane: AES-256 key for secrets at rest (Management:EncryptionKey)"
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "encryption_key" {
  secret_id     = aws_secretsmanager_secret.encryption_key.id
  secret_string = var.management_encryption_key
}

resource "aws_secretsmanager_secret" "backup_encryption_key" {
  name                    = "${var.name}/gateway/backup-encryption-key"
  description             = "EdgeGateway gateway: key encrypting its backups (Backup:EncryptionKey)"
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "backup_encryption_key" {
  secret_id     = aws_secretsmanager_secret.backup_encryption_key.id
  secret_string = var.backup_encryption_key
}

# No version here on purpose: see the comment at the top.
resource "aws_secretsmanager_secret" "gateway_token" {
  name                    = "${var.name}/gateway/token"
  description             = "EdgeGateway gateway: token minted by the management plane (ManagementPlane:Token), 30 days at most"
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}
