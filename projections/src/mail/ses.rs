//! Amazon SES v2 as the mail transport: the MIME the dispatcher built is
//! sent as is (`RawMessage`), so what SES delivers is byte for byte what the
//! file transport would have written.
//!
//! SES has no idempotency key: a mail accepted just before a crash is sent
//! again on restart (see [`super`]). Errors are sorted so that only what a
//! retry cannot fix counts as permanent; anything that an operator or time
//! can fix (throttling, quotas, a paused account, credentials, outages) is
//! retried with the dispatcher's backoff.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use tracing::Instrument;
use uuid::Uuid;

use super::transport::{SendError, Transport};

pub struct SesTransport {
    client: Client,
    /// The verified identity the mail is sent as (the envelope sender).
    from: String,
    configuration_set: Option<String>,
}

impl SesTransport {
    pub fn new(
        config: &aws_config::SdkConfig,
        from: impl Into<String>,
        configuration_set: Option<String>,
    ) -> Self {
        Self {
            client: Client::new(config),
            from: from.into(),
            configuration_set,
        }
    }
}

#[async_trait]
impl Transport for SesTransport {
    async fn send(
        &self,
        outbox_id: Uuid,
        recipient: &str,
        raw: &[u8],
    ) -> Result<String, SendError> {
        let raw = RawMessage::builder()
            .data(Blob::new(raw))
            .build()
            .map_err(|e| SendError::Permanent(format!("building the message: {e}")))?;
        let output = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(recipient).build())
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .instrument(tracing::info_span!("mail.ses.send", outbox_id = %outbox_id))
            .await
            .map_err(classify)?;
        Ok(output.message_id.unwrap_or_default())
    }
}

/// Sorts a failed call into "retry later" and "retrying cannot help". The
/// message never includes the recipient.
fn classify(error: SdkError<SendEmailError>) -> SendError {
    match &error {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let text = format!("SES {status}: {}", describe(service.err()));
            let permanent = match service.err() {
                SendEmailError::MessageRejected(_)
                | SendEmailError::MailFromDomainNotVerifiedException(_)
                | SendEmailError::BadRequestException(_) => true,
                // Throttles, quotas, a paused account, a missing
                // configuration set: fixed by time or by an operator.
                SendEmailError::TooManyRequestsException(_)
                | SendEmailError::LimitExceededException(_)
                | SendEmailError::SendingPausedException(_)
                | SendEmailError::AccountSuspendedException(_)
                | SendEmailError::NotFoundException(_) => false,
                other => is_validation(other.meta().code()) && status < 500,
            };
            if permanent {
                SendError::Permanent(text)
            } else {
                SendError::Transient(text)
            }
        }
        // Timeouts, refused connections, unreadable answers and
        // credentials that could not be loaded: all worth another try.
        SdkError::TimeoutError(_) => SendError::Transient("SES timed out".into()),
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            SendError::Transient(format!("SES unreachable: {}", chain(&error)))
        }
        _ => SendError::Transient(format!("SES call failed: {}", chain(&error))),
    }
}

fn is_validation(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("ValidationError" | "ValidationException" | "InvalidParameterValue")
    )
}

/// The error's code and message, with mail addresses blanked out: SES
/// quotes them ("identities failed the check: …"), and the text ends up in
/// logs and in the ticket's history.
fn describe(error: &SendEmailError) -> String {
    let text = match (error.code(), error.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => error.to_string(),
    };
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
