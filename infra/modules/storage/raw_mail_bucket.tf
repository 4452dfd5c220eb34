# Raw inbound mail (.eml) written by SES, read and tidied by the projections
# role. Kept so that messages can be decoded again after parser fixes.
resource "aws_s3_bucket" "raw_mail" {
  bucket = "${var.name_prefix}-raw-mail-${local.account_id}"
}

resource "aws_s3_bucket_ownership_controls" "raw_mail" {
  bucket = aws_s3_bucket.raw_mail.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "raw_mail" {
  bucket                  = aws_s3_bucket.raw_mail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "raw_mail" {
  bucket = aws_s3_bucket.raw_mail.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # Bucket keys cut KMS request charges by ~99% for per-object encryption.
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_versioning" "raw_mail" {
  bucket = aws_s3_bucket.raw_mail.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "raw_mail" {
  bucket        = aws_s3_bucket.raw_mail.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3-access/raw-mail/"
}

resource "aws_s3_bucket_lifecycle_configuration" "raw_mail" {
  bucket = aws_s3_bucket.raw_mail.id

  rule {
    id     = "expire-inbound-mail"
    status = "Enabled"
    filter {
      prefix = "inbound/"
    }
    expiration {
      days = var.raw_mail_retention_days
    }
  }

  # Attachments are cut out of the raw mail by mail-ingest; they belong to it
  # and go when it goes.
  rule {
    id     = "expire-inbound-attachments"
    status = "Enabled"
    filter {
      prefix = "attachments/"
    }
    expiration {
      days = var.raw_mail_retention_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
    expiration {
      expired_object_delete_marker = true
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.raw_mail]
}

data "aws_iam_policy_document" "raw_mail" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.raw_mail.arn, "${aws_s3_bucket.raw_mail.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # Only our receipt rule, in our account, may deliver mail, and only under
  # inbound/ (the confused-deputy guard SES documents).
  statement {
    sid       = "SesInboundMail"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.raw_mail.arn}/inbound/*"]
    principals {
      type        = "Service"
      identifiers = ["ses.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [var.ses_receipt_rule_arn]
    }
  }
}

resource "aws_s3_bucket_policy" "raw_mail" {
  bucket = aws_s3_bucket.raw_mail.id
  policy = data.aws_iam_policy_document.raw_mail.json

  depends_on = [aws_s3_bucket_public_access_block.raw_mail]
}
