# Example root: EdgeGateway on Fargate in the account's default VPC (its public subnets, tasks with public IPs).
# See docs/deploy-aws.md for the whole walkthrough.

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

module "edgegateway" {
  source = "../../modules/edgegateway"

  name              = var.name
  vpc_id            = data.aws_vpc.default.id
  public_subnet_ids = data.aws_subnets.default.ids
  task_subnet_ids   = data.aws_subnets.default.ids
  assign_public_ip  = true
  certificate_arn   = var.certificate_arn

  gateway_image    = var.gateway_image
  management_image = var.management_image

  management_allowed_cidrs = var.management_allowed_cidrs
  gateway_id               = var.gateway_id
  gateway_token_stored     = var.gateway_token_stored
  trust_signing_key_pem    = var.trust_signing_key_pem

  admin_key                  = var.admin_key
  management_signing_key_pem = var.management_signing_key_pem
  management_encryption_key  = var.management_encryption_key
  backup_encryption_key      = var.backup_encryption_key

  idle_minutes_to_zero        = var.idle_minutes_to_zero
  scale_to_zero_schedule      = var.scale_to_zero_schedule
  scale_up_schedule           = var.scale_up_schedule
  backup_bucket_force_destroy = var.backup_bucket_force_destroy
  secret_recovery_window_days = var.secret_recovery_window_days
}
