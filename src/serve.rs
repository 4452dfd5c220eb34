//! Starting the roles: connect, check migrations, bind, serve until a signal.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use command_api::commands::TicketService;
use command_api::db::{Backend, Db, PoolSize};
use command_api::http::contact::{ContactSettings, Limits, RateLimit};
use command_api::http::{AppState, health, with_standard_layers};
use projections::engine::Worker;
use projections::erasure::Eraser;
use projections::integration::IntegrationPublisher;
use projections::integration::eventbridge::EventBridgePublisher;
use projections::mail::dispatcher::Dispatcher;
use projections::mail::reactor::MailReactor;
use projections::mail::ses::SesTransport;
use projections::mail::transport::{FileTransport, Transport};
use projections::mail::{MailSettings, Signer};
use projections::retention::Retention;
use projections::sla::SlaWatcher;
use projections::tickets::TicketsProjection;
use projections::triage::TriageReactor;
use read_api::console::ConsoleConfig;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::settings::{MailTransport, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    All,
    CommandApi,
    ReadApi,
    Projections,
}

pub async fn connect(settings: &Settings) -> anyhow::Result<Db> {
    Db::connect(
        settings.database_url(),
        PoolSize {
            max_connections: settings.db_max_connections,
        },
    )
    .await
}

/// Connects and makes sure the schema is current. The embedded SQLite store
/// migrates itself so `cargo run` just works; MariaDB is migrated by its own
/// release step (`madoguchi migrate`), never implicitly by a service.
pub async fn connect_migrated(settings: &Settings) -> anyhow::Result<Db> {
    let db = connect(settings).await?;
    if db.backend() == Backend::Sqlite {
        db.migrate().await?;
    } else if !db
        .migrations_current()
        .await
        .context("checking migrations")?
    {
        bail!("the database schema is not current: run `madoguchi migrate` first");
    }
    Ok(db)
}

/// The routes a role serves. Every role answers /healthz and /readyz; the
/// read side also serves the console when given its session store.
pub fn app(state: AppState, role: Role, console: Option<Console>) -> Router {
    let mut router = Router::new().merge(health::router());
    if matches!(role, Role::All | Role::CommandApi) {
        router = router.merge(command_api::http::router());
    }
    if matches!(role, Role::All | Role::ReadApi) {
        router = router.merge(read_api::router());
        if let Some(console) = console {
            router = router.merge(read_api::console::router(
                console.store,
                console.secure_cookies,
                ConsoleConfig {
                    files: Some(console.files),
                    ..ConsoleConfig::default()
                },
            ));
        }
    }
    with_standard_layers(router.with_state(state))
}

/// What the console needs to be served.
pub struct Console {
    pub store: read_api::console::session::Store,
    pub secure_cookies: bool,
    pub files: projections::mail::store::MailStore,
}

pub async fn run(settings: &Settings, role: Role, demo: bool) -> anyhow::Result<()> {
    let db = connect_migrated(settings).await?;
    let tickets = TicketService::new(settings.event_store(&db)?);
    if role == Role::All {
        crate::users::ensure_first_admin(&db).await?;
    }
    if demo {
        crate::demo::seed(&db, &tickets).await?;
    }
    let (stop, stopped) = watch::channel(false);
    let mut workers = Vec::new();
    if matches!(role, Role::All | Role::Projections) {
        // The same store instance as the command side, so commits made in
        // this process wake the workers at once.
        let worker = Worker::new(tickets.store().clone(), Arc::new(TicketsProjection));
        workers.push(tokio::spawn(worker.run(stopped.clone())));
        let triage = Worker::reactor(
            tickets.store().clone(),
            Arc::new(TriageReactor::new(tickets.clone())),
        );
        workers.push(tokio::spawn(triage.run(stopped.clone())));
        let mailer = Worker::reactor(
            tickets.store().clone(),
            Arc::new(MailReactor::new(tickets.clone(), mail_settings(settings)?)),
        );
        workers.push(tokio::spawn(mailer.run(stopped.clone())));
        let dispatcher = Dispatcher::new(tickets.clone(), transport(settings).await?);
        workers.push(tokio::spawn(dispatcher.run(stopped.clone())));
        let sla = SlaWatcher::new(tickets.clone());
        workers.push(tokio::spawn(sla.run(stopped.clone())));
        if settings.retention_days > 0 {
            let eraser = Eraser::new(tickets.clone(), settings.mail_store().await);
            let period = time::Duration::days(i64::from(settings.retention_days));
            workers.push(tokio::spawn(
                Retention::new(eraser, period).run(stopped.clone()),
            ));
        }
        let ingestor = crate::mail_ingest::ingestor(settings, tickets.clone()).await?;
        if let Some(inbound) = crate::mail_ingest::queue_worker(settings, ingestor).await? {
            workers.push(tokio::spawn(inbound.run(stopped.clone())));
        }
        if let Some(bus) = settings
            .eventbridge_bus
            .as_deref()
            .filter(|b| !b.is_empty())
        {
            // Its checkpoint exists only where a bus is configured, so
            // deployments without one show no lag for a worker they do not run.
            projections::checkpoint::ensure(&db, projections::integration::NAME).await?;
            let aws = projections::aws::from_environment().await;
            let publisher = IntegrationPublisher::new(
                tickets.store().clone(),
                Arc::new(EventBridgePublisher::new(&aws, bus)),
            );
            let integration = Worker::reactor(tickets.store().clone(), Arc::new(publisher));
            workers.push(tokio::spawn(integration.run(stopped.clone())));
        }
    }
    let listener = TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("cannot bind {}", settings.bind))?;
    tracing::info!(address = %listener.local_addr()?, role = ?role, "listening");
    eprintln!("Madoguchi: http://{}/", listener.local_addr()?);
    let contact = ContactSettings {
        limit: RateLimit::new(Limits {
            per_hour: settings.contact_limit_per_hour,
            per_day: settings.contact_limit_per_day,
        }),
        trust_forwarded: settings.trust_forwarded,
    };
    let state = AppState::new(db.clone(), tickets).with_contact(contact);
    let console = if matches!(role, Role::All | Role::ReadApi) {
        let store = read_api::console::session::Store::new(&db).await?;
        // Expired sessions are swept hourly; an expired one is refused
        // anyway, this only keeps the table small.
        let sweeper = store.clone();
        tokio::spawn(async move {
            use tower_sessions::ExpiredDeletion;
            if let Err(e) = sweeper
                .continuously_delete_expired(Duration::from_secs(3600))
                .await
            {
                tracing::warn!(error = %e, "session sweeper stopped");
            }
        });
        Some(Console {
            store,
            secure_cookies: settings.secure_cookies,
            files: settings.mail_store().await,
        })
    } else {
        None
    };
    axum::serve(
        listener,
        app(state, role, console).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let _ = stop.send(true);
    for worker in workers {
        let _ = worker.await;
    }
    db.close().await;
    Ok(())
}

fn mail_settings(settings: &Settings) -> anyhow::Result<MailSettings> {
    let domain = settings
        .mail_from
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .context("MADOGUCHI_MAIL_FROM must be an address")?;
    Ok(MailSettings {
        from_name: settings.mail_from_name.clone(),
        from_address: settings.mail_from.clone(),
        reply_to: settings
            .mail_reply_to
            .clone()
            .unwrap_or_else(|| settings.mail_from.clone()),
        domain,
        signer: Signer::new(&settings.signing_key()?),
    })
}

async fn transport(settings: &Settings) -> anyhow::Result<Arc<dyn Transport>> {
    match settings.mail {
        MailTransport::File => Ok(Arc::new(FileTransport::new(settings.outbox_dir.clone()))),
        MailTransport::Ses => {
            let aws = projections::aws::from_environment().await;
            Ok(Arc::new(SesTransport::new(
                &aws,
                settings.mail_from.clone(),
                settings.ses_configuration_set.clone(),
            )))
        }
    }
}

/// Ctrl-C locally, SIGTERM from ECS: finish in-flight requests, then stop.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// A minimal HTTP/1.1 GET over a raw socket, because the runtime image has
/// no curl and this avoids an HTTP client dependency for one request.
pub async fn healthcheck(url: &str) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url
        .strip_prefix("http://")
        .context("only http:// URLs are supported")?;
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let check = async {
        let mut stream = tokio::net::TcpStream::connect(authority).await?;
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        anyhow::Ok(response.starts_with(b"HTTP/1.1 200"))
    };
    match tokio::time::timeout(Duration::from_secs(3), check).await {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => bail!("{url} did not answer 200"),
        Ok(Err(e)) => Err(e.context(format!("{url} unreachable"))),
        Err(_) => bail!("{url} timed out"),
    }
}
