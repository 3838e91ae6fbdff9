output "gateway_url" {
  description = "The gateway's public URL."
  value       = module.edgegateway.gateway_url
}

output "management_url" {
  description = "The management API's URL."
  value       = module.edgegateway.management_url
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer: point your domain (covered by certificate_arn) at it."
  value       = module.edgegateway.load_balancer_dns_name
}

output "backup_bucket" {
  description = "The backup bucket."
  value       = module.edgegateway.backup_bucket
}

output "state_bucket" {
  description = "The management plane's state bucket."
  value       = module.edgegateway.state_bucket
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.edgegateway.cluster_name
}

output "gateway_service_name" {
  description = "ECS service of the gateway (null before the token is stored)."
  value       = module.edgegateway.gateway_service_name
}

output "management_service_name" {
  description = "ECS service of the management plane."
  value       = module.edgegateway.management_service_name
}

output "gateway_log_group" {
  description = "CloudWatch log group of the gateway."
  value       = module.edgegateway.gateway_log_group
}

output "management_log_group" {
  description = "CloudWatch log group of the management plane."
  value       = module.edgegateway.management_log_group
}

output "gateway_token_secret_arn" {
  description = "Where to store the gateway token."
  value       = module.edgegateway.gateway_token_secret_arn
}

output "gateway_task_role_arn" {
  description = "The gateway's task role."
  value       = module.edgegateway.gateway_task_role_arn
}

output "management_task_role_arn" {
  description = "The management plane's task role."
  value       = module.edgegateway.management_task_role_arn
}

output "secret_arns" {
  description = "Every secret, by purpose."
  value       = module.edgegateway.secret_arns
}
