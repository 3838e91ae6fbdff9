# Scale to zero. Fargate has no request-driven activation: at 0 tasks the load balancer's target group is
# empty and the load balancer itself answers 503 until a task has started and passed its health check
# (typically 30-60 s). Unlike Azure Container Apps, the request that wakes the service does not wait: it
# gets that 503. Three mechanisms, each optional:
# - idle: no request for idle_minutes_to_zero minutes -> 0 tasks;
# - wake: the load balancer answered a 503 (no task) -> 1 task, so the next requests succeed;
# - schedule: scale_to_zero_schedule sets min 0 / max 0, scale_up_schedule min 1 / max gateway_max_count.
# A new task starts from its newest S3 backup (fail static), even while the management plane is away.

resource "aws_appautoscaling_target" "gateway" {
  count              = local.gateway_count
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.gateway[0].name}"
  min_capacity       = 0
  max_capacity       = var.gateway_max_count
}

# More tasks under load; target tracking never scales in below 1 while requests arrive.
resource "aws_appautoscaling_policy" "gateway_requests" {
  count              = local.gateway_count
  name               = "${var.name}-gateway-requests-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.gateway[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway[0].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${aws_lb.this.arn_suffix}/${aws_lb_target_group.gateway.arn_suffix}"
    }
  }
}

# --- idle: no request for N minutes -> 0 tasks -----------------------------------------------------

resource "aws_appautoscaling_policy" "gateway_idle" {
  count              = var.idle_minutes_to_zero > 0 ? local.gateway_count : 0
  name               = "${var.name}-gateway-idle-to-zero"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.gateway[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway[0].resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_upper_bound = 0
      scaling_adjustment          = 0
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "gateway_idle" {
  count               = var.idle_minutes_to_zero > 0 ? local.gateway_count : 0
  alarm_name          = "${var.name}-gateway-idle"
  alarm_description   = "No request reached the gateway for ${var.idle_minutes_to_zero} minutes: scale it to 0 tasks."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "RequestCount"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.idle_minutes_to_zero
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  # No request, no data point: missing data means idle.
  treat_missing_data = "breaching"
  alarm_actions      = [aws_appautoscaling_policy.gateway_idle[0].arn]
  tags               = var.tags

  dimensions = {
    LoadBalancer = aws_lb.this.arn_suffix
    TargetGroup  = aws_lb_target_group.gateway.arn_suffix
  }
}

# --- wake: the load balancer answered 503 (no task) -> 1 task --------------------------------------

resource "aws_appautoscaling_policy" "gateway_wake" {
  count              = var.wake_on_request ? local.gateway_count : 0
  name               = "${var.name}-gateway-wake"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.gateway[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway[0].resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "gateway_wake" {
  count               = var.wake_on_request ? local.gateway_count : 0
  alarm_name          = "${var.name}-gateway-wake"
  alarm_description   = "The load balancer answered 503 (no gateway task): start one. Those requests got the 503."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_503_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.gateway_wake[0].arn]
  tags                = var.tags

  dimensions = {
    LoadBalancer = aws_lb.this.arn_suffix
  }
}

# --- schedule ------------------------------------------------------------------------------------

resource "aws_appautoscaling_scheduled_action" "gateway_to_zero" {
  count              = var.scale_to_zero_schedule != null ? local.gateway_count : 0
  name               = "${var.name}-gateway-to-zero"
  service_namespace  = aws_appautoscaling_target.gateway[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway[0].resource_id
  schedule           = var.scale_to_zero_schedule
  timezone           = var.schedule_timezone

  scalable_target_action {
    min_capacity = 0
    max_capacity = 0
  }
}

resource "aws_appautoscaling_scheduled_action" "gateway_up" {
  count              = var.scale_up_schedule != null ? local.gateway_count : 0
  name               = "${var.name}-gateway-up"
  service_namespace  = aws_appautoscaling_target.gateway[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway[0].resource_id
  schedule           = var.scale_up_schedule
  timezone           = var.schedule_timezone

  scalable_target_action {
    min_capacity = 1
    max_capacity = var.gateway_max_count
  }

  # Two scheduled actions on one target are applied one at a time.
  depends_on = [aws_appautoscaling_scheduled_action.gateway_to_zero]
}
