# EdgeGateway on AWS Fargate: a management plane (one task, state in its own S3 bucket) and a gateway
# (0..N tasks, backups in another S3 bucket under its own prefix) behind one internet-facing Application Load Balancer.
# Files: network.tf (load balancer, security groups, private DNS), storage.tf (buckets), secrets.tf, iam.tf,
# ecs.tf (cluster, logs, task definitions, services), autoscaling.tf (scale to zero), outputs.tf.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  region = data.aws_region.current.region
  https  = var.certificate_arn != null

  # Two-step bootstrap: the gateway service exists only once its token secret holds a value.
  gateway_count = var.gateway_token_stored ? 1 : 0

  # Both apps listen on 8080 inside the task (the image's ASPNETCORE_HTTP_PORTS).
  container_port = 8080

  # The gateway reaches the plane inside the VPC, by its private DNS name (Cloud Map), not through the
  # internet-facing listener: that one is open only to management_allowed_cidrs.
  management_internal_url = "http://management.${aws_service_discovery_private_dns_namespace.this.name}:${local.container_port}"

  # /tmp on a read-only root filesystem: Fargate's task storage. Fargate gives such a bind mount the image's
  # ownership and mode only when the image declares VOLUME for the path; otherwise it is root's, and the non-root
  # app user cannot write it. Neither binary needs to write files (backups and state go to S3).
  tmp_volume = "tmp"

  # Container definitions as literal objects (not built by functions) so that each environment and secret
  # name stays readable: tests/EdgeGateway.EndToEnd.Tests/Infra checks them against the binaries' settings.
  gateway_container = {
    name                   = "gateway"
    image                  = var.gateway_image
    essential              = true
    readonlyRootFilesystem = true
    stopTimeout            = 30
    portMappings           = [{ containerPort = 8080, protocol = "tcp", name = "http" }]
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    environment = [
      { name = "Gateway__Id", value = var.gateway_id },
      { name = "ManagementPlane__Url", value = local.management_internal_url },
      { name = "Trust__SigningKey", value = var.trust_signing_key_pem },
      { name = "Backup__Provider", value = "s3" },
      { name = "Backup__S3__Bucket", value = aws_s3_bucket.backups.bucket },
      { name = "Backup__S3__Region", value = local.region },
      { name = "Backup__S3__Prefix", value = var.gateway_backup_prefix },
      { name = "Gateway__ShutdownTimeout", value = "00:00:25" },
    ]
    secrets = [
      { name = "ManagementPlane__Token", valueFrom = aws_secretsmanager_secret.gateway_token.arn },
      { name = "Backup__EncryptionKey", valueFrom = aws_secretsmanager_secret.backup_encryption_key.arn },
    ]
    healthCheck = {
      command     = ["CMD", "/app/EdgeGateway", "healthcheck"]
      interval    = 10
      timeout     = 6
      retries     = 3
      startPeriod = 30
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.gateway.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "gateway"
      }
    }
  }

  management_container = {
    name                   = "management"
    image                  = var.management_image
    essential              = true
    readonlyRootFilesystem = true
    stopTimeout            = 30
    portMappings           = [{ containerPort = 8080, protocol = "tcp", name = "http" }]
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    environment = [
      { name = "Management__Store__Provider", value = "s3" },
      { name = "Management__Store__S3__Bucket", value = aws_s3_bucket.state.bucket },
      { name = "Management__Store__S3__Region", value = local.region },
      { name = "Management__Store__S3__Prefix", value = var.management_state_prefix },
    ]
    secrets = [
      { name = "Management__AdminKeys__0", valueFrom = aws_secretsmanager_secret.admin_key.arn },
      { name = "Management__SigningKey", valueFrom = aws_secretsmanager_secret.signing_key.arn },
      { name = "Management__EncryptionKey", valueFrom = aws_secretsmanager_secret.encryption_key.arn },
    ]
    healthCheck = {
      command     = ["CMD", "/app/ManagementPlane", "healthcheck"]
      interval    = 10
      timeout     = 6
      retries     = 3
      startPeriod = 30
    }
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.management.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "management"
      }
    }
  }
}
