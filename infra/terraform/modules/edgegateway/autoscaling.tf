# Scale to zero. Fargate has no request-driven activation: at 0 tasks the load balancer's target group is
# empty and the load balancer itself answers 503 until a task has started and passed its health check
# (typically 30-90 s). Unlike Azure Container Apps, the request that wakes the service does not wait: it
# gets that 503. Three mechanisms, each optional:
# - idle: a healthy task got no request (and the load balancer answered no 503) for idle_minutes_to_zero
#   minutes -> 0 tasks;
# - wake: the load balancer answered a 503 while the gateway has no healthy task -> one more task, so the
#   next requests succeed (alarms are evaluated every minute: the task starts 1-2 minutes after the 503 and
#   serves 30-90 s later);
# - schedule: scale_to_zero_schedule sets min 0 / max 0 (no task, even on a request, until the next
#   scale_up_schedule), scale_up_schedule min 1 / max gateway_max_count (one task starts); with idle on,
#   gateway_up_release puts the minimum back to 0 within 5 minutes so that idleness still scales to zero.
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

# --- idle: a healthy task and no request for N minutes -> 0 tasks ---------------------------------

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

    # The alarm's value is 1 (idle) when it fires: GreaterThanOrEqualToThreshold 1, so the step starts at 0 above it.
    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 0
    }
  }
}

# Application Auto Scaling actions are invoked again every minute while an alarm stays in ALARM, so "idle"
# must not stay true at 0 tasks or while a woken task is still starting: it means a healthy gateway task
# exists (HealthyHostCount) and no request reached it (RequestCount) in each of the last N minutes. At 0 tasks
# the value is 0 and the alarm is OK; a woken task gets idle_minutes_to_zero minutes after it turns healthy.
resource "aws_cloudwatch_metric_alarm" "gateway_idle" {
  count               = var.idle_minutes_to_zero > 0 ? local.gateway_count : 0
  alarm_name          = "${var.name}-gateway-idle"
  alarm_description   = "A healthy gateway task got no request for ${var.idle_minutes_to_zero} minutes: scale the gateway to 0 tasks."
  evaluation_periods  = var.idle_minutes_to_zero
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # No data at all (no metric reported): not idle. Staying up is the safe side.
  treat_missing_data = "notBreaching"
  alarm_actions      = [aws_appautoscaling_policy.gateway_idle[0].arn]
  tags               = var.tags

  metric_query {
    id = "req"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      stat        = "Sum"
      period      = 60

      dimensions = {
        LoadBalancer = aws_lb.this.arn_suffix
        TargetGroup  = aws_lb_target_group.gateway.arn_suffix
      }
    }
  }

  metric_query {
    id = "hosts"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HealthyHostCount"
      stat        = "Maximum"
      period      = 60

      dimensions = {
        LoadBalancer = aws_lb.this.arn_suffix
        TargetGroup  = aws_lb_target_group.gateway.arn_suffix
      }
    }
  }

  # A 503 from the load balancer means someone is knocking while no task is healthy (a task just scaled in and
  # still draining): not idle, so this alarm goes OK and stops re-invoking its policy while the wake alarm adds one.
  metric_query {
    id = "e503"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_503_Count"
      stat        = "Sum"
      period      = 60

      dimensions = {
        LoadBalancer = aws_lb.this.arn_suffix
      }
    }
  }

  metric_query {
    id          = "idle"
    label       = "healthy gateway task, no request, no 503 (1 = idle)"
    expression  = "IF(FILL(hosts, 0) > 0 AND FILL(req, 0) == 0 AND FILL(e503, 0) == 0, 1, 0)"
    return_data = true
  }
}

# --- wake: the load balancer answered 503 while the gateway has no healthy task -> one more task ----

resource "aws_appautoscaling_policy" "gateway_wake" {
  count              = var.wake_on_request ? local.gateway_count : 0
  name               = "${var.name}-gateway-wake"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.gateway[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway[0].resource_id

  step_scaling_policy_configuration {
    # +1, never an exact count: a wake can only add a task, never shrink a scaled-out gateway. While the alarm
    # stays in ALARM (the task is still starting), the cooldown counts the task already added, so it is not
    # added again and again; max_capacity caps it.
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 180
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
    }
  }
}

# HTTPCode_ELB_503_Count exists per load balancer only, so it also counts the management listener's 503s; the
# guard on the gateway target group's HealthyHostCount makes the alarm fire only while the gateway has no
# healthy task.
resource "aws_cloudwatch_metric_alarm" "gateway_wake" {
  count               = var.wake_on_request ? local.gateway_count : 0
  alarm_name          = "${var.name}-gateway-wake"
  alarm_description   = "The load balancer answered 503 and the gateway has no healthy task: start one. Those requests got the 503."
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.gateway_wake[0].arn]
  tags                = var.tags

  metric_query {
    id = "e503"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_503_Count"
      stat        = "Sum"
      period      = 60

      dimensions = {
        LoadBalancer = aws_lb.this.arn_suffix
      }
    }
  }

  metric_query {
    id = "hosts"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HealthyHostCount"
      stat        = "Maximum"
      period      = 60

      dimensions = {
        LoadBalancer = aws_lb.this.arn_suffix
        TargetGroup  = aws_lb_target_group.gateway.arn_suffix
      }
    }
  }

  metric_query {
    id          = "wake"
    label       = "503s while the gateway has no healthy task"
    expression  = "IF(FILL(hosts, 0) == 0, FILL(e503, 0), 0)"
    return_data = true
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

# With idle scaling on, the minimum of 1 that scale_up_schedule sets would clamp the idle policy's 0 all day.
# So the minimum goes back to 0 within 5 minutes (every 5 minutes, it only sets the minimum: after
# scale_to_zero_schedule's max 0 it changes nothing). Lowering the minimum does not stop the task the
# up-schedule started; the idle alarm does, once that task has been healthy and unused for idle_minutes_to_zero.
resource "aws_appautoscaling_scheduled_action" "gateway_up_release" {
  count              = var.scale_up_schedule != null && var.idle_minutes_to_zero > 0 ? local.gateway_count : 0
  name               = "${var.name}-gateway-up-release"
  service_namespace  = aws_appautoscaling_target.gateway[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.gateway[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.gateway[0].resource_id
  schedule           = "rate(5 minutes)"

  scalable_target_action {
    min_capacity = 0
  }

  depends_on = [aws_appautoscaling_scheduled_action.gateway_up]
}
