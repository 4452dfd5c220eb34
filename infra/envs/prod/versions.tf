terraform {
  # 1.10 or newer: the S3 backend's native lock file replaces DynamoDB locking.
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    datadog = {
      source  = "DataDog/datadog"
      version = "~> 3.50"
    }
  }

  # Bucket, region and KMS key come from backend.hcl (see backend.hcl.example),
  # created once by infra/bootstrap.
  backend "s3" {
    key          = "madoguchi/prod/terraform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
