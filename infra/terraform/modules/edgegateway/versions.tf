# Provider 6.x: data.aws_region's `region` attribute (5.x only has the now-deprecated `name`).
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
