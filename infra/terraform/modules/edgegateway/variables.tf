# Inputs of the EdgeGateway module. Secret values are `sensitive`: they are written to Secrets Manager
# (and so to the Terraform state: keep the state in an encrypted, access-controlled backend).

variable "name" {
  description = "Prefix of every resource name (lower case letters, digits and hyphens, at most 20 characters)."
  type        = string
  default     = "edgegateway"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name))
    error_message = "name: lower case letters, digits and hyphens, starting with a letter, at most 20 characters (ALB and target-group names are limited to 32)."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

# --- network -------------------------------------------------------------------------------------

variable "vpc_id" {
  description = "VPC for the load balancer, the tasks and the private DNS namespace (needs DNS support and DNS host names)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing load balancer: at least two, in different availability zones."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "public_subnet_ids: an Application Load Balancer needs at least two subnets in different availability zones."
  }
}

variable "task_subnet_ids" {
  description = "Subnets of the Fargate tasks. Tasks must reach ECR, S3, Secrets Manager and CloudWatch Logs: public subnets with assign_public_ip = true, or private subnets with a NAT gateway or VPC endpoints."
  type        = list(string)
}

variable "assign_public_ip" {
  description = "Give each task a public IP (needed in public subnets without a NAT gateway, to pull images and reach AWS APIs)."
  type        = bool
  default     = true
}

variable "cpu_architecture" {
  description = "CPU architecture of both task definitions: X86_64 or ARM64. Build the images for it (docker build --platform linux/amd64 or linux/arm64): Native AOT compiles for the platform it builds on."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture: X86_64 or ARM64."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for HTTPS listeners. null: plain HTTP listeners (for a first try only: admin keys would cross the internet in clear text)."
  type        = string
  default     = null
}

variable "gateway_allowed_cidrs" {
  description = "Who may call the gateway's public listener."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "management_allowed_cidrs" {
  description = "Who may reach the management plane's listener (admins, CI): its admin API is on the internet-facing load balancer, on its own port."
  type        = list(string)

  validation {
    condition     = length(var.management_allowed_cidrs) > 0
    error_message = "management_allowed_cidrs: name at least one CIDR (your address, e.g. 203.0.113.7/32) that may reach the management API."
  }
}

variable "management_listener_port" {
  description = "Load-balancer port of the management plane's listener (HTTPS with certificate_arn, else HTTP)."
  type        = number
  default     = 9443

  validation {
    condition     = var.management_listener_port > 0 && var.management_listener_port < 65536 && !contains([80, 443], var.management_listener_port)
    error_message = "management_listener_port: 1-65535, not 80 or 443 (the gateway's listeners)."
  }
}

# --- images and sizes ----------------------------------------------------------------------------

variable "gateway_image" {
  description = "Gateway image (the Dockerfile's `gateway` target), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/edgegateway:gateway-1.0.0."
  type        = string
}

variable "management_image" {
  description = "Management-plane image (the Dockerfile's `management` target)."
  type        = string
}

variable "gateway_cpu" {
  description = "Fargate CPU units of a gateway task."
  type        = number
  default     = 256
}

variable "gateway_memory" {
  description = "Fargate memory (MiB) of a gateway task."
  type        = number
  default     = 512
}

variable "management_cpu" {
  description = "Fargate CPU units of the management-plane task."
  type        = number
  default     = 256
}

variable "management_memory" {
  description = "Fargate memory (MiB) of the management-plane task."
  type        = number
  default     = 512
}

variable "log_retention_days" {
  description = "Retention of both CloudWatch log groups."
  type        = number
  default     = 30
}

# --- the gateway ---------------------------------------------------------------------------------

variable "gateway_id" {
  description = "Gateway id as registered in the management plane (PUT /gateways/{id}); Gateway:Id."
  type        = string
  default     = "gw1"
}

variable "gateway_token_stored" {
  description = "Two-step bootstrap: false creates everything but the gateway service; set true once the gateway-token secret holds a token minted by the running management plane (aws secretsmanager put-secret-value)."
  type        = bool
  default     = false
}

variable "trust_signing_key_pem" {
  description = "The management plane's PUBLIC key (PEM, as GET /signing-key answers, or `openssl pkey -in signing-key.pem -pubout`); Trust:SigningKey. Public, so a plain environment value."
  type        = string

  validation {
    condition     = can(regex("-----BEGIN PUBLIC KEY-----", var.trust_signing_key_pem))
    error_message = "trust_signing_key_pem: the PUBLIC key in PEM (-----BEGIN PUBLIC KEY-----), never the private signing key."
  }
}

variable "gateway_backup_prefix" {
  description = "Key prefix of the gateway's backups in the backup bucket (Backup:S3:Prefix); its task role reaches nothing else. No leading or trailing slash."
  type        = string
  default     = "gateway"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.gateway_backup_prefix))
    error_message = "gateway_backup_prefix: one or more path segments separated by '/', no leading or trailing slash."
  }
}

variable "management_state_prefix" {
  description = "Key prefix of the management plane's state in its own state bucket (Management:Store:S3:Prefix)."
  type        = string
  default     = "management"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.management_state_prefix))
    error_message = "management_state_prefix: one or more path segments separated by '/', no leading or trailing slash."
  }
}

# --- secrets (written to Secrets Manager, injected with `secrets`, never `environment`) ------------

variable "admin_key" {
  description = "The management plane's admin API key (Management:AdminKeys:0), at least 16 characters, e.g. `openssl rand -base64 32`."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.admin_key) >= 16
    error_message = "admin_key: at least 16 characters (openssl rand -base64 32)."
  }
}

variable "management_signing_key_pem" {
  description = "The management plane's ECDSA P-256 private key, PEM (Management:SigningKey): `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`."
  type        = string
  sensitive   = true
}

variable "management_encryption_key" {
  description = "Base64 of 32 random bytes (Management:EncryptionKey): `openssl rand -base64 32`."
  type        = string
  sensitive   = true
}

variable "backup_encryption_key" {
  description = "Base64 of 32 random bytes (Backup:EncryptionKey) encrypting the gateway's backups: `openssl rand -base64 32`."
  type        = string
  sensitive   = true
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can be restored (0 deletes at once, so `terraform destroy` then `apply` can reuse the names; 7-30 otherwise)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days: 0 (delete at once) or 7-30."
  }
}

# --- storage -------------------------------------------------------------------------------------

variable "backup_bucket_force_destroy" {
  description = "Let `terraform destroy` delete both buckets (backups and state) with every object version in them."
  type        = bool
  default     = false
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted object version is kept (versioning is on)."
  type        = number
  default     = 30
}

# --- scaling -------------------------------------------------------------------------------------

variable "gateway_max_count" {
  description = "Most gateway tasks at once."
  type        = number
  default     = 2
}

variable "requests_per_task" {
  description = "Target-tracking goal: ALB requests per gateway task per minute before another task is added."
  type        = number
  default     = 6000
}

variable "idle_minutes_to_zero" {
  description = "Scale the gateway to 0 tasks once a healthy task has had no request for this many minutes (0: never on idleness)."
  type        = number
  default     = 15

  validation {
    condition     = var.idle_minutes_to_zero >= 0 && var.idle_minutes_to_zero <= 1440 && floor(var.idle_minutes_to_zero) == var.idle_minutes_to_zero
    error_message = "idle_minutes_to_zero: a whole number of minutes, 0 (off) to 1440 (a CloudWatch alarm evaluates at most one day)."
  }
}

variable "wake_on_request" {
  description = "Add one gateway task when the load balancer answers 503 while the gateway has no healthy task (the first requests get that 503)."
  type        = bool
  default     = true
}

variable "scale_to_zero_schedule" {
  description = "Application Auto Scaling schedule (e.g. \"cron(0 20 ? * MON-FRI *)\") that sets the gateway to 0 tasks (min 0, max 0): no task starts, not even on a request, until scale_up_schedule runs. null: none."
  type        = string
  default     = null
}

variable "scale_up_schedule" {
  description = "Schedule (e.g. \"cron(0 7 ? * MON-FRI *)\") that starts one task and allows up to gateway_max_count (min 1, max gateway_max_count). With idle_minutes_to_zero > 0 the minimum goes back to 0 within 5 minutes, so idleness scales to zero again. null: none."
  type        = string
  default     = null
}

variable "schedule_timezone" {
  description = "Time zone of both schedules (IANA name)."
  type        = string
  default     = "UTC"
}
