provider "aws" {
  region = var.aws_region
  # Refuse to run against any other account, e.g. with prod credentials.
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = {
      Project     = "madoguchi"
      Environment = "prod"
      ManagedBy   = "terraform"
    }
  }
}

# Credentials come from DD_API_KEY and DD_APP_KEY in the environment.
provider "datadog" {
  api_url = var.datadog_api_url
}
