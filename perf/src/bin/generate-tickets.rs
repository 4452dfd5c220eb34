//! Appends realistic tickets through the real event store, for read-side
//! benchmarks: Japanese subjects and bodies, a mix of statuses and priorities,
//! 8 agents and 6 categories, received over the past year.
//!
//!   cargo run --release -p perf --bin generate-tickets -- --database-url mysql://… --tickets 100000
//!
//! Each ticket's history is decided by the real aggregate and appended as one
//! batch (one transaction per ticket), with its inquiry-number claim.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clap::Parser;
use command_api::codec;
use command_api::db::{Db, PoolSize};
use command_api::event_store::{Append, Claim, EventStore};
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use domain::metadata::CommandContext;
use domain::ticket::{Customer, OpenTicket};
use domain::values::{Body, CustomerEmail, CustomerName, InquiryNumber, NoteBody, Subject};
use domain::{Actor, Channel, Priority, Status, Ticket, TicketCommand};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    #[arg(long, default_value_t = 100_000)]
    tickets: u64,
    #[arg(long, default_value_t = 16)]
    writers: u64,
}

const SUBJECTS: [&str; 12] = [
    "商品が届きません",
    "返金してほしい",
    "サイズ交換をお願いします",
    "初期不良について",
    "注文をキャンセルしたい",
    "クーポンが使えません",
    "配送先を変更したい",
    "請求金額が違います",
    "会員情報の変更",
    "リコール対象か確認したい",
    "ポイントが付与されていません",
    "商品の使い方を教えてください",
];
const BODIES: [&str; 6] = [
    "先日注文した商品について問い合わせます。確認をお願いいたします。",
    "届いた商品が壊れていました。交換か返金をお願いします。",
    "セール期間中に購入しましたが、まだ発送の連絡がありません。",
    "サイズが合わなかったため、ひとつ大きいサイズに交換を希望します。",
    "請求書の金額が注文時の表示と異なっています。至急ご確認ください。",
    "ニュースで見たリコールについて、購入した電気ケトルが対象か知りたいです。",
];

/// A small deterministic generator, so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = Db::connect(
        &args.database_url,
        PoolSize {
            max_connections: args.writers as u32 + 2,
        },
    )
    .await?;
    db.migrate().await?;
    let store = EventStore::new(db.clone());
    // Midnight today in Tokyo: each generated day is a whole JST day.
    let now = OffsetDateTime::now_utc()
        .to_offset(domain::values::JST)
        .replace_time(time::Time::MIDNIGHT);
    let done = Arc::new(AtomicU64::new(0));
    let events = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    // Tickets are spread over the past 360 days; each writer owns a slice of
    // days so per-day sequences never collide.
    let tasks: Vec<_> = (0..args.writers)
        .map(|w| {
            let (store, done, events) = (store.clone(), done.clone(), events.clone());
            let count = args.tickets / args.writers + u64::from(w < args.tickets % args.writers);
            tokio::spawn(async move {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (w + 1));
                let mut sequences: BTreeMap<String, u32> = BTreeMap::new();
                for i in 0..count {
                    let day = (w + args.writers * (i % (360 / args.writers).max(1))) as i64 + 1;
                    let received_at =
                        now - Duration::days(day) + Duration::minutes(rng.next(1440) as i64);
                    let date = InquiryNumber::day_of(received_at);
                    let sequence = sequences.entry(InquiryNumber::day_key(date)).or_default();
                    *sequence += 1;
                    let appended = append_ticket(
                        &store,
                        &mut rng,
                        InquiryNumber::new(date, *sequence)?,
                        received_at,
                        i,
                    )
                    .await?;
                    events.fetch_add(appended, Ordering::Relaxed);
                    done.fetch_add(1, Ordering::Relaxed);
                }
                anyhow::Ok(sequences)
            })
        })
        .collect();
    let progress = {
        let (done, events, total) = (done.clone(), events.clone(), args.tickets);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                let d = done.load(Ordering::Relaxed);
                let rate = d as f64 / started.elapsed().as_secs_f64();
                eprint!(
                    "\r[{:<30}] {d}/{total} tickets  {} events  {rate:.0} tickets/s   ",
                    "#".repeat((d * 30 / total.max(1)) as usize),
                    events.load(Ordering::Relaxed)
                );
                let _ = std::io::stderr().flush();
            }
        })
    };
    let mut highest: BTreeMap<String, u32> = BTreeMap::new();
    for task in tasks {
        for (day, last) in task.await?? {
            let entry = highest.entry(day).or_default();
            *entry = (*entry).max(last);
        }
    }
    progress.abort();
    // Later real tickets on those days continue after the generated numbers.
    for (day, last) in highest {
        command_api::on_pool!(&db, pool => sqlx::query("UPDATE inquiry_sequences SET last_sequence = ? WHERE day = ? AND last_sequence < ?")
            .bind(i64::from(last)).bind(&day).bind(i64::from(last)).execute(pool).await.map(|_| ()))?;
        command_api::on_pool!(&db, pool => sqlx::query("INSERT INTO inquiry_sequences (day, last_sequence) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM inquiry_sequences WHERE day = ?)")
            .bind(&day).bind(i64::from(last)).bind(&day).execute(pool).await.map(|_| ()))?;
    }
    eprintln!();
    println!(
        "{} tickets, {} events in {:.1}s",
        done.load(Ordering::Relaxed),
        events.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn append_ticket(
    store: &EventStore,
    rng: &mut Rng,
    number: InquiryNumber,
    received_at: OffsetDateTime,
    i: u64,
) -> anyhow::Result<u64> {
    let ticket_id = Uuid::now_v7();
    let agent = 1 + rng.next(8) as i64;
    let mut commands = vec![TicketCommand::Open(Box::new(OpenTicket {
        ticket_id,
        inquiry_number: number,
        channel: [Channel::Form, Channel::Form, Channel::Email, Channel::Phone]
            [rng.next(4) as usize],
        category_id: 1 + rng.next(6) as i64,
        customer: Customer {
            name: CustomerName::parse(&format!("顧客 {i}"))?,
            email: Some(CustomerEmail::parse(&format!(
                "customer{}@example.jp",
                rng.next(300_000)
            ))?),
        },
        order_number: None,
        subject: Subject::parse(SUBJECTS[rng.next(SUBJECTS.len() as u64) as usize])?,
        body: Body::parse(BODIES[rng.next(BODIES.len() as u64) as usize])?,
        priority: Priority::ALL[[0, 1, 1, 1, 2, 3][rng.next(6) as usize]],
        status: Status::New,
        assignee: None,
        attachments: Vec::new(),
        received_at,
        raw_mail: None,
        customer_ref: None,
    }))];
    // Most old tickets are finished; some are still open.
    let stage = rng.next(10);
    if stage >= 2 {
        commands.push(TicketCommand::Assign { to: agent });
    }
    if stage >= 3 {
        commands.push(TicketCommand::QueueReply {
            reply_id: Uuid::now_v7(),
            subject: Subject::parse(&format!("【ご回答】{number}"))?,
            body: Body::parse("お問い合わせありがとうございます。確認いたしました。")?,
        });
    }
    if stage == 4 {
        commands.push(TicketCommand::AddInternalNote {
            note_id: Uuid::now_v7(),
            body: NoteBody::parse("倉庫に確認中")?,
        });
    }
    if stage >= 5 {
        commands.push(TicketCommand::ChangeStatus {
            to: Status::Resolved,
        });
    }
    if stage >= 7 {
        commands.push(TicketCommand::ChangeStatus { to: Status::Closed });
    }
    let mut ticket = Ticket::default();
    let mut rows = Vec::new();
    let ctx = CommandContext::new(Actor::Agent(agent), received_at + Duration::hours(2), None);
    for command in commands {
        let sink = EventSink::default();
        ticket.handle(command, &(), &sink).await?;
        for event in sink.collect().await {
            rows.push(codec::encode(
                &event,
                &ctx.metadata(),
                ticket.customer_ref(),
            )?);
        }
    }
    let count = rows.len() as u64;
    let id = ticket_id.to_string();
    store
        .append(Append {
            aggregate_type: Ticket::TYPE,
            aggregate_id: &id,
            expected_version: 0,
            events: rows,
            claims: vec![Claim {
                kind: command_api::commands::INQUIRY_NUMBER_CLAIM,
                value: number.to_string(),
            }],
            idempotency: None,
            customer_key: None,
        })
        .await?;
    Ok(count)
}
