output "gateway_url" {
  description = "The gateway's public URL (the load balancer's DNS name; point your domain at it for HTTPS)."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "management_url" {
  description = "The management API's URL (reachable from management_allowed_cidrs only)."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}:${aws_lb_listener.management.port}"
}

output "management_internal_url" {
  description = "The management plane's address inside the VPC, the gateway's ManagementPlane:Url."
  value       = local.management_internal_url
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer (CNAME or alias target for your domain)."
  value       = aws_lb.this.dns_name
}

output "backup_bucket" {
  description = "The S3 bucket holding the gateway's backups."
  value       = aws_s3_bucket.backups.bucket
}

output "state_bucket" {
  description = "The S3 bucket holding the management plane's state."
  value       = aws_s3_bucket.state.bucket
}

output "gateway_backup_prefix" {
  description = "Key prefix of the gateway's backups (Backup:S3:Prefix)."
  value       = var.gateway_backup_prefix
}

output "management_state_prefix" {
  description = "Key prefix of the plane's state (Management:Store:S3:Prefix)."
  value       = var.management_state_prefix
}

output "cluster_name" {
  description = "ECS cluster name (aws ecs ... --cluster)."
  value       = aws_ecs_cluster.this.name
}

output "gateway_service_name" {
  description = "ECS service of the gateway (null until gateway_token_stored = true)."
  value       = one(aws_ecs_service.gateway[*].name)
}

output "management_service_name" {
  description = "ECS service of the management plane."
  value       = aws_ecs_service.management.name
}

output "gateway_log_group" {
  description = "CloudWatch log group of the gateway (aws logs tail)."
  value       = aws_cloudwatch_log_group.gateway.name
}

output "management_log_group" {
  description = "CloudWatch log group of the management plane."
  value       = aws_cloudwatch_log_group.management.name
}

output "gateway_task_role_arn" {
  description = "Task role of the gateway: S3 on its backup prefix only (no access to the state bucket)."
  value       = aws_iam_role.gateway_task.arn
}

output "management_task_role_arn" {
  description = "Task role of the management plane: S3 on its state bucket only (no access to the backup bucket)."
  value       = aws_iam_role.management_task.arn
}

output "gateway_execution_role_arn" {
  description = "Execution role of the gateway's tasks (reads the gateway token and backup key secrets)."
  value       = aws_iam_role.gateway_execution.arn
}

output "management_execution_role_arn" {
  description = "Execution role of the plane's tasks (reads the admin, signing and encryption key secrets)."
  value       = aws_iam_role.management_execution.arn
}

output "gateway_token_secret_arn" {
  description = "Secret to store the gateway token in (aws secretsmanager put-secret-value --secret-id ...)."
  value       = aws_secretsmanager_secret.gateway_token.arn
}

output "secret_arns" {
  description = "Every secret the module created, by purpose."
  value = {
    admin_key             = aws_secretsmanager_secret.admin_key.arn
    signing_key           = aws_secretsmanager_secret.signing_key.arn
    encryption_key        = aws_secretsmanager_secret.encryption_key.arn
    backup_encryption_key = aws_secretsmanager_secret.backup_encryption_key.arn
    gateway_token         = aws_secretsmanager_secret.gateway_token.arn
  }
}
