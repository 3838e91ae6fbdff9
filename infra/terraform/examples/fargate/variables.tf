variable "region" {
  description = "AWS region, e.g. eu-west-1."
  type        = string
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "edgegateway"
}

variable "vpc_id" {
  description = "VPC to deploy into (null: the account's default VPC). Give subnet_ids with it."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Public subnets for the load balancer and the tasks: at least two, in availability zones that support Fargate and ALB (null: the VPC's default subnets)."
  type        = list(string)
  default     = null
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64: the platform the images were built for (docker build --platform linux/amd64 or linux/arm64)."
  type        = string
  default     = "X86_64"
}

variable "certificate_arn" {
  description = "ACM certificate ARN for HTTPS (null: plain HTTP, for a first try only)."
  type        = string
  default     = null
}

variable "gateway_image" {
  description = "ECR image of the gateway (Dockerfile target `gateway`)."
  type        = string
}

variable "management_image" {
  description = "ECR image of the management plane (Dockerfile target `management`)."
  type        = string
}

variable "management_allowed_cidrs" {
  description = "Addresses allowed to reach the management API, e.g. [\"203.0.113.7/32\"]."
  type        = list(string)
}

variable "gateway_id" {
  description = "The gateway's id in the management plane."
  type        = string
  default     = "gw1"
}

variable "gateway_token_stored" {
  description = "false on the first apply; true once the token secret holds a token (docs/deploy-aws.md)."
  type        = bool
  default     = false
}

variable "trust_signing_key_pem" {
  description = "The management plane's public key (PEM)."
  type        = string
}

variable "admin_key" {
  description = "Management API admin key (pass as TF_VAR_admin_key, not in a file)."
  type        = string
  sensitive   = true
}

variable "management_signing_key_pem" {
  description = "The management plane's private signing key, PEM (TF_VAR_management_signing_key_pem)."
  type        = string
  sensitive   = true
}

variable "management_encryption_key" {
  description = "Base64 of 32 random bytes (TF_VAR_management_encryption_key)."
  type        = string
  sensitive   = true
}

variable "backup_encryption_key" {
  description = "Base64 of 32 random bytes encrypting the gateway's backups (TF_VAR_backup_encryption_key)."
  type        = string
  sensitive   = true
}

variable "idle_minutes_to_zero" {
  description = "Minutes without a request before the gateway scales to 0 tasks (0: never)."
  type        = number
  default     = 15
}

variable "scale_to_zero_schedule" {
  description = "Optional schedule setting the gateway to 0 tasks, e.g. \"cron(0 20 ? * MON-FRI *)\"."
  type        = string
  default     = null
}

variable "scale_up_schedule" {
  description = "Optional schedule allowing tasks again, e.g. \"cron(0 7 ? * MON-FRI *)\"."
  type        = string
  default     = null
}

variable "backup_bucket_force_destroy" {
  description = "Let terraform destroy delete the bucket with its objects."
  type        = bool
  default     = false
}

variable "secret_recovery_window_days" {
  description = "0 deletes secrets at once on destroy (a re-apply can reuse the names); 7-30 keeps them restorable."
  type        = number
  default     = 7
}
