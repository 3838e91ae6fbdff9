# Example root: EdgeGateway on Fargate, by default in the account's default VPC (its public subnets, tasks with
# public IPs). See docs/deploy-aws.md for the whole walkthrough.

data "aws_vpc" "default" {
  count   = var.vpc_id == null ? 1 : 0
  default = true
}

# Availability zones that need no opt-in (no Local or Wavelength Zones). Some accounts' default VPC still has a
# subnet in a zone without Fargate or ALB support (us-east-1e, use1-az3, is the known one): pass subnet_ids then.
data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_subnets" "default" {
  count = var.subnet_ids == null ? 1 : 0

  filter {
    name   = "vpc-id"
    values = [local.vpc_id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }

  filter {
    name   = "availability-zone"
    values = data.aws_availability_zones.available.names
  }
}

locals {
  vpc_id     = var.vpc_id != null ? var.vpc_id : data.aws_vpc.default[0].id
  subnet_ids = var.subnet_ids != null ? var.subnet_ids : data.aws_subnets.default[0].ids
}

module "edgegateway" {
  source = "../../modules/edgegateway"

  name              = var.name
  vpc_id            = local.vpc_id
  public_subnet_ids = local.subnet_ids
  task_subnet_ids   = local.subnet_ids
  assign_public_ip  = true
  certificate_arn   = var.certificate_arn

  gateway_image    = var.gateway_image
  management_image = var.management_image
  cpu_architecture = var.cpu_architecture

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
