//! The mails we send, in Japanese, as raw MIME: UTF-8 bodies, RFC 2047
//! headers, a signed Message-ID and threading headers. Internal notes have no
//! way in: these functions only take what the customer may see.

use command_api::db::to_micros;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use time::OffsetDateTime;
use uuid::Uuid;

use super::MailSettings;

/// A composed mail, ready for the outbox.
#[derive(Debug, Clone)]
pub struct Composed {
    pub recipient: String,
    pub message_id: String,
    pub raw: String,
}

pub struct Acknowledgement<'a> {
    pub ticket_id: Uuid,
    pub outbox_id: Uuid,
    pub inquiry_number: &'a str,
    pub customer_name: &'a str,
    pub customer_email: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub received_at: OffsetDateTime,
}

pub struct Reply<'a> {
    pub ticket_id: Uuid,
    pub outbox_id: Uuid,
    pub inquiry_number: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub in_reply_to: Option<&'a str>,
    pub sent_at: OffsetDateTime,
}

fn quoted(text: &str) -> String {
    text.lines()
        .map(|line| format!("> {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn footer(settings: &MailSettings, inquiry_number: &str, ticket_id: Uuid) -> String {
    format!(
        "\n\n――――――――――――――――――――\n{}\n受付番号: {inquiry_number}\nこのメールにご返信いただくと、担当者に届きます。件名の受付番号は変更せずにお送りください。\n{}\n",
        settings.from_name,
        settings.signer.body_marker(ticket_id)
    )
}

fn build(
    settings: &MailSettings,
    to: &str,
    subject: &str,
    text: String,
    message_id: &str,
    in_reply_to: Option<&str>,
    at: OffsetDateTime,
) -> std::io::Result<String> {
    let mut builder = MessageBuilder::new()
        .from(Address::new_address(
            Some(settings.from_name.as_str()),
            settings.from_address.as_str(),
        ))
        .reply_to(Address::new_address(
            Some(settings.from_name.as_str()),
            settings.reply_to.as_str(),
        ))
        .to(Address::new_address(None::<&str>, to))
        .subject(subject)
        .message_id(message_id)
        .date(mail_builder::headers::date::Date::new(
            to_micros(at) / 1_000_000,
        ))
        .header(
            "Auto-Submitted",
            mail_builder::headers::raw::Raw::new("auto-generated"),
        )
        .text_body(text);
    if let Some(parent) = in_reply_to {
        let parent = parent
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned();
        builder = builder.in_reply_to(parent.clone()).references(parent);
    }
    builder.write_to_string()
}

/// 【お問い合わせ受付】: sent for form and mail inquiries, never for phone ones.
pub fn acknowledgement(
    settings: &MailSettings,
    ack: &Acknowledgement<'_>,
) -> std::io::Result<Composed> {
    let message_id = settings
        .signer
        .message_id(ack.ticket_id, ack.outbox_id, &settings.domain);
    let local = ack.received_at.to_offset(domain::values::JST);
    let received = format!(
        "{}年{}月{}日 {:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    );
    let text = format!(
        "{} 様\n\n{}へお問い合わせいただき、ありがとうございます。\n以下の内容で受け付けました。担当者より順次ご連絡いたします。\n\n受付番号: {}\n受付日: {received}\n件名: {}\n\nお問い合わせ内容:\n{}{}",
        ack.customer_name,
        settings.from_name,
        ack.inquiry_number,
        ack.subject,
        quoted(ack.body),
        footer(settings, ack.inquiry_number, ack.ticket_id)
    );
    let subject = format!("【お問い合わせ受付】{}", ack.inquiry_number);
    let raw = build(
        settings,
        ack.customer_email,
        &subject,
        text,
        &message_id,
        None,
        ack.received_at,
    )?;
    Ok(Composed {
        recipient: ack.customer_email.to_owned(),
        message_id,
        raw,
    })
}

/// An agent's reply, threaded to the customer's last mail when there is one.
pub fn reply(settings: &MailSettings, reply: &Reply<'_>) -> std::io::Result<Composed> {
    let message_id = settings
        .signer
        .message_id(reply.ticket_id, reply.outbox_id, &settings.domain);
    let subject = if reply.subject.contains(reply.inquiry_number) {
        reply.subject.to_owned()
    } else {
        format!("{} [{}]", reply.subject, reply.inquiry_number)
    };
    let text = format!(
        "{}{}",
        reply.body,
        footer(settings, reply.inquiry_number, reply.ticket_id)
    );
    let raw = build(
        settings,
        reply.to,
        &subject,
        text,
        &message_id,
        reply.in_reply_to,
        reply.sent_at,
    )?;
    Ok(Composed {
        recipient: reply.to.to_owned(),
        message_id,
        raw,
    })
}
