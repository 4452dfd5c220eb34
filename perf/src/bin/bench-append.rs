//! Measures, side by side in one run against the same MariaDB at the same
//! concurrency: (a) raw one-row INSERT + COMMIT transactions, and (b) the full
//! `POST /api/v1/inquiries` path through HTTP, validation, inquiry-number
//! allocation and the event store, and (c) the same with personal fields
//! sealed per customer. Prints the rates, the ratios, p50 and p99.
//!
//!   cargo run --release -p perf --bin bench-append -- --seconds 20

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use command_api::commands::TicketService;
use command_api::db::{Db, PoolSize};
use command_api::event_store::EventStore;
use command_api::http::{AppState, app};
use command_api::vault::{MasterKey, Vault};
use perf::{Measured, run_for};
use sqlx::{Connection, Executor};

#[derive(Parser)]
struct Args {
    /// A MariaDB server; a scratch database `madoguchi_bench` is recreated on it.
    #[arg(
        long,
        env = "MADOGUCHI_BENCH_MYSQL_URL",
        default_value = "mysql://root@127.0.0.1:3306"
    )]
    server: String,
    #[arg(long, default_value_t = 16)]
    clients: usize,
    #[arg(long, default_value_t = 15)]
    seconds: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let duration = Duration::from_secs(args.seconds);
    let server = args.server.trim_end_matches('/').to_owned();
    let admin = Db::connect(&server, PoolSize { max_connections: 1 }).await?;
    let Db::MySql(admin_pool) = &admin else {
        anyhow::bail!("the benchmark needs MariaDB")
    };
    admin_pool
        .execute("DROP DATABASE IF EXISTS madoguchi_bench")
        .await?;
    admin_pool
        .execute("CREATE DATABASE madoguchi_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        .await?;
    let db = Db::connect(
        &format!("{server}/madoguchi_bench"),
        PoolSize {
            max_connections: args.clients as u32 + 4,
        },
    )
    .await?;
    db.migrate().await?;
    let Db::MySql(pool) = db.clone() else {
        unreachable!()
    };
    pool.execute("CREATE TABLE bench_raw (id BIGINT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(200) NOT NULL) ENGINE=InnoDB").await?;

    eprintln!(
        "(a) raw INSERT + COMMIT, {} clients, {}s",
        args.clients, args.seconds
    );
    let raw = {
        let pool = pool.clone();
        run_for("raw", args.clients, duration, move |_, _| {
            let pool = pool.clone();
            async move {
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin().await?;
                sqlx::query("INSERT INTO bench_raw (body) VALUES (?)")
                    .bind("返金してほしい")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }
        })
        .await
    };

    eprintln!(
        "(b) POST /api/v1/inquiries, personal fields in clear, {} clients, {}s",
        args.clients, args.seconds
    );
    let intake = post_inquiries(EventStore::new(db.clone()), &args).await?;
    eprintln!(
        "(c) POST /api/v1/inquiries, personal fields sealed per customer, {} clients, {}s",
        args.clients, args.seconds
    );
    let master = MasterKey::from_base64(&MasterKey::generate())?;
    let sealed_store = EventStore::new(db.clone()).with_vault(Vault::new(db.clone(), master));
    let sealed = post_inquiries(sealed_store, &args).await?;

    let ratio = intake.per_second() / raw.per_second();
    print_row("raw INSERT+COMMIT", &raw);
    print_row("POST /api/v1/inquiries", &intake);
    print_row("  … sealed", &sealed);
    println!(
        "ratio intake/raw: {ratio:.2} (target >= 0.30); intake p99 {:.1} ms (target <= 50 ms)",
        ms(intake.p99)
    );
    println!(
        "ratio sealed/clear intake: {:.2}; sealed p99 {:.1} ms",
        sealed.per_second() / intake.per_second(),
        ms(sealed.p99)
    );
    admin_pool
        .execute("DROP DATABASE IF EXISTS madoguchi_bench")
        .await
        .context("cleaning up")?;
    Ok(())
}

/// Runs the intake path against `store` on its own port; every inquiry comes
/// from a new address, so with sealing each one also creates a customer key.
async fn post_inquiries(store: EventStore, args: &Args) -> anyhow::Result<Measured> {
    let db = store.db().clone();
    let state = AppState::new(db, TicketService::new(store));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/v1/inquiries", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app(state)).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.clients)
        .build()?;
    Ok(run_for("intake", args.clients, Duration::from_secs(args.seconds), move |c, i| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = serde_json::json!({
                "category_id": 1,
                "subject": "商品が届きません",
                "body": format!("注文した商品がまだ届いていません。返金してほしいです。({c}-{i})"),
                "customer_name": "山田 太郎",
                "customer_email": format!("customer{c}.{i}@example.jp"),
            });
            let response = client.post(&url).json(&body).send().await?;
            anyhow::ensure!(response.status() == 201, "status {}", response.status());
            Ok(())
        }
    })
    .await)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_row(label: &str, m: &Measured) {
    println!(
        "{label:<24} {:>8.0} ops/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} ops, {} errors, {:.1}s)",
        m.per_second(),
        ms(m.p50),
        ms(m.p99),
        m.operations,
        m.errors,
        m.elapsed.as_secs_f64()
    );
}
