//! Read-side timings against a populated database (see `generate-tickets`):
//! catches the projection up (reporting its rate), then times each read
//! endpoint through the real HTTP stack, the searches once more by scanning
//! alone for comparison, and finally measures projection lag (commit to
//! visible) while appending at a steady rate.
//!
//!   cargo run --release -p perf --bin bench-read -- --database-url mysql://…/madoguchi_perf

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use clap::Parser;
use command_api::commands::TicketService;
use command_api::db::{Db, PoolSize};
use command_api::employees::{self, Role};
use command_api::event_store::EventStore;
use command_api::http::{AppState, router as commands, with_standard_layers};
use projections::checkpoint;
use projections::engine::{Step, Worker};
use projections::tickets::{NAME, SHAPE as TICKETS_SHAPE, TicketsProjection};
use tokio::sync::watch;

#[derive(Parser)]
struct Args {
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Requests per endpoint.
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Appends per second during the lag measurement.
    #[arg(long, default_value_t = 500)]
    rate: u64,
    #[arg(long, default_value_t = 20)]
    lag_seconds: u64,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Which way the read API searches: shape 1 makes it scan, as it does a
/// generation built before the n-gram index.
async fn set_shape(db: &Db, shape: i64) -> anyhow::Result<()> {
    command_api::on_pool!(db, pool => sqlx::query("UPDATE projection_checkpoints SET shape = ? WHERE name = ?")
        .bind(shape)
        .bind(NAME)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = Db::connect(
        &args.database_url,
        PoolSize {
            max_connections: 16,
        },
    )
    .await?;
    let store = EventStore::new(db.clone());

    let head = store.head_position().await?;
    let start = checkpoint::load(&db, NAME).await?.position;
    let worker = Worker::new(store.clone(), Arc::new(TicketsProjection)).with_batch(1000);
    let began = Instant::now();
    loop {
        match worker.run_once().await? {
            Step::Processed(_) => {
                let at = checkpoint::load(&db, NAME).await?.position;
                let rate = (at - start) as f64 / began.elapsed().as_secs_f64();
                eprint!("\r  catching up: {at}/{head}  {rate:.0} events/s   ");
            }
            Step::CaughtUp => break,
            other => anyhow::bail!("unexpected {other:?}"),
        }
    }
    let applied = checkpoint::load(&db, NAME).await?.position - start;
    if applied > 0 {
        println!(
            "\nprojection catch-up: {applied} events in {:.1}s = {:.0} events/s",
            began.elapsed().as_secs_f64(),
            applied as f64 / began.elapsed().as_secs_f64()
        );
    }

    let login = format!("bench{}", std::process::id());
    let id = employees::create(
        &db,
        &login,
        "計測",
        Role::Supervisor,
        "benchmark password",
        false,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let token = employees::issue_token(&db, id, "bench").await?;
    let state = AppState::new(db.clone(), TicketService::new(store.clone()));
    let app: Router = with_standard_layers(
        Router::new()
            .merge(commands())
            .merge(read_api::router())
            .merge(read_api::console::router(
                read_api::console::session::Store::new(&db).await?,
                false,
                read_api::console::ConsoleConfig::default(),
            ))
            .with_state(state),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    // Redirects are not followed: the login's session cookie is on its 303.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let get = |path: String| {
        let (client, token, base) = (client.clone(), token.clone(), base.clone());
        async move {
            let response = client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await?;
            anyhow::ensure!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            Ok(response.bytes().await?)
        }
    };
    let sample = get("/api/v1/tickets?limit=1".into()).await?;
    let sample: serde_json::Value = serde_json::from_slice(&sample)?;
    let number = sample["items"][0]["inquiry_number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let email = sample["items"][0]["customer_email"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // Searches, measured through the n-gram index and then by scanning alone
    // (as a generation built before the index is searched), in this run.
    let searches = [
        (
            "search 返金 + status=resolved",
            "/api/v1/tickets?q=%E8%BF%94%E9%87%91&status=resolved&limit=50".to_owned(),
        ),
        (
            "search 配送先 (rare) + status",
            "/api/v1/tickets?q=%E9%85%8D%E9%80%81%E5%85%88&status=new&limit=50".to_owned(),
        ),
        (
            // A term in no ticket: a scan reads every row the filter leaves.
            "search 電子レンジ (no hit) + status",
            "/api/v1/tickets?q=%E9%9B%BB%E5%AD%90%E3%83%AC%E3%83%B3%E3%82%B8&status=new&limit=50"
                .to_owned(),
        ),
        (
            "search 靴 (1 char, no hit) + status",
            "/api/v1/tickets?q=%E9%9D%B4&status=resolved&limit=50".to_owned(),
        ),
        (
            "search a customer's email",
            format!("/api/v1/tickets?q={}&limit=50", encode(&email)),
        ),
        (
            "search an inquiry number",
            format!("/api/v1/tickets?q={}&limit=50", encode(&number)),
        ),
    ];
    let endpoints = [
        (
            "list: status=new, priority sort",
            "/api/v1/tickets?status=new&sort=priority&limit=50".to_owned(),
        ),
        ("dashboard", "/api/v1/dashboard".to_owned()),
        ("detail", format!("/api/v1/tickets/{number}")),
        (
            "history (events)",
            format!("/api/v1/tickets/{number}/events"),
        ),
    ];
    // The console pages, as a signed-in supervisor's browser gets them
    // (until the last byte of the HTML).
    let login = client
        .post(format!("{base}/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("login_id", login.as_str()),
            ("password", "benchmark password"),
        ])
        .send()
        .await?;
    let cookie = login
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("console login failed: {}", login.status()))?
        .to_owned();
    let page = |path: String| {
        let (client, cookie, base) = (client.clone(), cookie.clone(), base.clone());
        async move {
            let response = client
                .get(format!("{base}{path}"))
                .header("cookie", cookie)
                .send()
                .await?;
            anyhow::ensure!(
                response.status().is_success(),
                "{path}: {}",
                response.status()
            );
            Ok(response.bytes().await?)
        }
    };
    let pages = [
        (
            "console list (open, 50 rows)",
            "/console/tickets".to_owned(),
        ),
        (
            "console list, search 返金",
            "/console/tickets?q=%E8%BF%94%E9%87%91".to_owned(),
        ),
        ("console detail", format!("/console/tickets/{number}")),
        ("console dashboard", "/console/dashboard".to_owned()),
    ];
    println!(
        "{:<34} {:>9} {:>9} {:>9}",
        "endpoint (server+client, ms)", "p50", "p95", "p99"
    );
    let api = endpoints
        .iter()
        .chain(&searches)
        .map(|(label, path)| (label.to_string(), path.clone(), false));
    let html = pages
        .iter()
        .map(|(label, path)| (label.to_string(), path.clone(), true));
    let scans = searches
        .iter()
        .map(|(label, path)| (format!("{label} (scan)"), path.clone(), false));
    let mut scanning = false;
    'cases: for (label, path, is_page) in api.chain(html).chain(scans) {
        if label.ends_with("(scan)") && !scanning {
            set_shape(&db, 1).await?;
            scanning = true;
        }
        let mut times = Vec::with_capacity(args.requests);
        for _ in 0..args.requests {
            let began = Instant::now();
            let answered = if is_page {
                page(path.clone()).await
            } else {
                get(path.clone()).await
            };
            // A case the server cannot answer (a scan that times out) is
            // reported as such, and the others are still measured.
            if let Err(error) = answered {
                println!(
                    "{label:<34} failed after {:.1} s: {error}",
                    began.elapsed().as_secs_f64()
                );
                continue 'cases;
            }
            times.push(began.elapsed());
        }
        times.sort();
        println!(
            "{label:<34} {:>9.2} {:>9.2} {:>9.2}",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            percentile(&times, 0.99)
        );
    }
    set_shape(&db, TICKETS_SHAPE).await?;

    // Lag: open tickets at a steady rate while a worker follows; record for
    // each append how long until the checkpoint passed its position.
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(Worker::new(store.clone(), Arc::new(TicketsProjection)).run(stopped));
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(i64, Instant)>();
    let watcher = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut lags = Vec::new();
            let mut pending = std::collections::VecDeque::new();
            loop {
                while let Ok(item) = receiver.try_recv() {
                    pending.push_back(item);
                }
                let position = checkpoint::load(&db, NAME)
                    .await
                    .map(|c| c.position)
                    .unwrap_or(0);
                while pending.front().is_some_and(|(p, _)| *p <= position) {
                    if let Some((_, at)) = pending.pop_front() {
                        lags.push(at.elapsed());
                    }
                }
                if receiver.is_closed() && pending.is_empty() {
                    return lags;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let service = TicketService::new(store.clone());
    let interval = Duration::from_secs_f64(1.0 / args.rate as f64);
    let mut ticker = tokio::time::interval(interval);
    let deadline = Instant::now() + Duration::from_secs(args.lag_seconds);
    let mut sent = 0u64;
    while Instant::now() < deadline {
        ticker.tick().await;
        let at = Instant::now();
        let inquiry = command_api::intake::Inquiry {
            category_id: 1,
            order_number: None,
            subject: domain::values::Subject::parse("配送について")?,
            body: domain::values::Body::parse("まだ届きません")?,
            customer_name: domain::values::CustomerName::parse("計測")?,
            customer_email: Some(domain::values::CustomerEmail::parse("lag@example.jp")?),
        };
        let ctx = domain::metadata::CommandContext::new(
            domain::Actor::Customer,
            time::OffsetDateTime::now_utc(),
            None,
        );
        let outcome = command_api::intake::open(
            &db,
            &service,
            inquiry,
            command_api::intake::Start::form(),
            &ctx,
            None,
        )
        .await?;
        if let Some(position) = outcome.position {
            let _ = sender.send((position, at));
        }
        sent += 1;
    }
    drop(sender);
    let mut lags = watcher.await?;
    let _ = stop.send(true);
    lags.sort();
    println!(
        "projection lag at {} appends/s ({sent} appends): p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms",
        args.rate,
        percentile(&lags, 0.5),
        percentile(&lags, 0.95),
        percentile(&lags, 0.99)
    );
    Ok(())
}
