# One internet-facing Application Load Balancer with two listeners:
# - the gateway's: 443 (HTTPS, with certificate_arn) or 80 (HTTP), default action -> gateway target group;
#   with HTTPS, port 80 redirects to 443;
# - the management plane's: its own port (management_listener_port), open only to management_allowed_cidrs.
# Why a port and not a host rule: it works with the load balancer's own DNS name (no domain needed for a first
# deployment), and a security group can only filter by port, so the admin API is closed to everyone but
# management_allowed_cidrs while the gateway's listener is open to gateway_allowed_cidrs.
# The gateway reaches the plane inside the VPC through a Cloud Map private DNS name (main.tf), not this listener.

resource "aws_lb" "this" {
  name               = "${var.name}-alb"
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]
  idle_timeout       = 60
  tags               = var.tags
}

resource "aws_lb_target_group" "gateway" {
  name                 = "${var.name}-gateway"
  port                 = local.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = var.tags

  # Ready = a verified config is loaded (from the plane or from the backup); a stale one still counts.
  health_check {
    path                = "/healthz/ready"
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_target_group" "management" {
  name                 = "${var.name}-management"
  port                 = local.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30
  tags                 = var.tags

  health_check {
    path                = "/healthz/ready"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener" "gateway" {
  load_balancer_arn = aws_lb.this.arn
  port              = local.https ? 443 : 80
  protocol          = local.https ? "HTTPS" : "HTTP"
  ssl_policy        = local.https ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : null
  certificate_arn   = var.certificate_arn
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.gateway.arn
  }
}

resource "aws_lb_listener" "http_redirect" {
  count             = local.https ? 1 : 0
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"
  tags              = var.tags

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "management" {
  load_balancer_arn = aws_lb.this.arn
  port              = var.management_listener_port
  protocol          = local.https ? "HTTPS" : "HTTP"
  ssl_policy        = local.https ? "ELBSecurityPolicy-TLS13-1-2-2021-06" : null
  certificate_arn   = var.certificate_arn
  tags              = var.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.management.arn
  }
}

# --- security groups -----------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "EdgeGateway load balancer"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_gateway" {
  for_each          = toset(var.gateway_allowed_cidrs)
  security_group_id = aws_security_group.alb.id
  description       = "gateway listener"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = aws_lb_listener.gateway.port
  to_port           = aws_lb_listener.gateway.port
}

resource "aws_vpc_security_group_ingress_rule" "alb_http_redirect" {
  for_each          = local.https ? toset(var.gateway_allowed_cidrs) : toset([])
  security_group_id = aws_security_group.alb.id
  description       = "HTTP to HTTPS redirect"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_ingress_rule" "alb_management" {
  for_each          = toset(var.management_allowed_cidrs)
  security_group_id = aws_security_group.alb.id
  description       = "management plane listener"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = var.management_listener_port
  to_port           = var.management_listener_port
}

resource "aws_vpc_security_group_egress_rule" "alb_to_gateway" {
  security_group_id            = aws_security_group.alb.id
  description                  = "to gateway tasks"
  referenced_security_group_id = aws_security_group.gateway.id
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
}

resource "aws_vpc_security_group_egress_rule" "alb_to_management" {
  security_group_id            = aws_security_group.alb.id
  description                  = "to management plane tasks"
  referenced_security_group_id = aws_security_group.management.id
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
}

resource "aws_security_group" "gateway" {
  name        = "${var.name}-gateway"
  description = "EdgeGateway gateway tasks"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "gateway_from_alb" {
  security_group_id            = aws_security_group.gateway.id
  description                  = "from the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
}

# Backends anywhere, the plane, ECR, S3, Secrets Manager, CloudWatch Logs.
resource "aws_vpc_security_group_egress_rule" "gateway_out" {
  security_group_id = aws_security_group.gateway.id
  description       = "backends, management plane and AWS APIs"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_security_group" "management" {
  name        = "${var.name}-management"
  description = "EdgeGateway management plane tasks"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "management_from_alb" {
  security_group_id            = aws_security_group.management.id
  description                  = "admin API through the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
}

resource "aws_vpc_security_group_ingress_rule" "management_from_gateway" {
  security_group_id            = aws_security_group.management.id
  description                  = "gateway sync and heartbeats inside the VPC"
  referenced_security_group_id = aws_security_group.gateway.id
  ip_protocol                  = "tcp"
  from_port                    = local.container_port
  to_port                      = local.container_port
}

resource "aws_vpc_security_group_egress_rule" "management_out" {
  security_group_id = aws_security_group.management.id
  description       = "ECR, S3, Secrets Manager and CloudWatch Logs"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# --- private DNS: management.<name>.internal for the gateway ---------------------------------------

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = "${var.name}.internal"
  description = "EdgeGateway: the management plane's address inside the VPC"
  vpc         = var.vpc_id
  tags        = var.tags
}

resource "aws_service_discovery_service" "management" {
  name = "management"
  tags = var.tags

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      ttl  = 10
      type = "A"
    }
  }
}
