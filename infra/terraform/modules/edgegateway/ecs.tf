# The ECS cluster, one log group, task definition and service per plane (Fargate, awsvpc, port 8080).

resource "aws_ecs_cluster" "this" {
  name = var.name
  tags = var.tags
}

resource "aws_cloudwatch_log_group" "gateway" {
  name              = "/ecs/${var.name}/gateway"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "management" {
  name              = "/ecs/${var.name}/management"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# --- management plane: one task, state in S3 ----------------------------------------------------

resource "aws_ecs_task_definition" "management" {
  family                   = "${var.name}-management"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.management_cpu
  memory                   = var.management_memory
  execution_role_arn       = aws_iam_role.management_execution.arn
  task_role_arn            = aws_iam_role.management_task.arn
  container_definitions    = jsonencode([local.management_container])
  tags                     = var.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = local.tmp_volume
  }
}

resource "aws_ecs_service" "management" {
  name                              = "${var.name}-management"
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.management.arn
  launch_type                       = "FARGATE"
  desired_count                     = 1
  health_check_grace_period_seconds = 60
  # S3 enforces the plane's conditional writes, so an old and a new task may overlap during a deployment.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  tags                               = var.tags

  network_configuration {
    subnets          = var.task_subnet_ids
    security_groups  = [aws_security_group.management.id]
    assign_public_ip = var.assign_public_ip
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.management.arn
    container_name   = local.management_container.name
    container_port   = local.container_port
  }

  service_registries {
    registry_arn = aws_service_discovery_service.management.arn
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # The secrets need their values before the first task starts.
  depends_on = [
    aws_lb_listener.management,
    aws_iam_role_policy.management_secrets,
    aws_iam_role_policy.management_state,
    aws_secretsmanager_secret_version.admin_key,
    aws_secretsmanager_secret_version.signing_key,
    aws_secretsmanager_secret_version.encryption_key,
  ]
}

# --- gateway: 0..gateway_max_count tasks, created once its token is stored -----------------------

resource "aws_ecs_task_definition" "gateway" {
  family                   = "${var.name}-gateway"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.gateway_cpu
  memory                   = var.gateway_memory
  execution_role_arn       = aws_iam_role.gateway_execution.arn
  task_role_arn            = aws_iam_role.gateway_task.arn
  container_definitions    = jsonencode([local.gateway_container])
  tags                     = var.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = local.tmp_volume
  }
}

resource "aws_ecs_service" "gateway" {
  count                              = local.gateway_count
  name                               = "${var.name}-gateway"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.gateway.arn
  launch_type                        = "FARGATE"
  desired_count                      = 1
  health_check_grace_period_seconds  = 30
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  tags                               = var.tags

  network_configuration {
    subnets          = var.task_subnet_ids
    security_groups  = [aws_security_group.gateway.id]
    assign_public_ip = var.assign_public_ip
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.gateway.arn
    container_name   = local.gateway_container.name
    container_port   = local.container_port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Application Auto Scaling owns the task count from here on (autoscaling.tf).
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [
    aws_lb_listener.gateway,
    aws_iam_role_policy.gateway_secrets,
    aws_iam_role_policy.gateway_backups,
    aws_secretsmanager_secret_version.backup_encryption_key,
  ]
}
