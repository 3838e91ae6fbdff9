terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }

  # Keep the state (it holds the keys given as variables) in an encrypted, access-controlled backend, e.g.:
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "edgegateway/terraform.tfstate"
  #   region       = "eu-west-1"
  #   encrypt      = true
  #   use_lockfile = true
  # }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = { Application = "EdgeGateway" }
  }
}
