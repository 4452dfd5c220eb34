# Creates the S3 bucket (and its KMS key) that holds the Terraform state of
# one AWS account. Run once per account with local state; see
# docs/infrastructure.md. Its own state file is small and holds no secrets;
# keep it in the team's password manager or re-import if lost.
terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
  }
}

provider "aws" {
  region              = var.aws_region
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = {
      Project   = "madoguchi"
      ManagedBy = "terraform"
      Purpose   = "terraform-state"
    }
  }
}
