variable "aws_region" {
  description = "Region of the state bucket."
  type        = string
  default     = "ap-northeast-1"
}

variable "aws_account_id" {
  description = "Account the bucket is created in (one state bucket per account)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "bucket_name" {
  description = "Name of the state bucket; defaults to lifestylemart-madoguchi-tfstate-<account>."
  type        = string
  default     = null
}
