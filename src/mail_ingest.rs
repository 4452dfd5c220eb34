//! `madoguchi mail-ingest --file x.eml | --dir DIR | --queue`: inbound mail
//! from disk, or from S3 as SQS notifies it (the production path, which the
//! projections role also runs when a queue is configured).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use command_api::commands::TicketService;
use projections::mail::Signer;
use projections::mail::ingest::{Ingested, Ingestor};
use projections::mail::queue::QueueIngest;

use crate::settings::Settings;

pub async fn run(
    settings: &Settings,
    file: Option<PathBuf>,
    dir: Option<PathBuf>,
    queue: bool,
) -> anyhow::Result<()> {
    let db = crate::serve::connect_migrated(settings).await?;
    let tickets = TicketService::new(settings.event_store(&db)?);
    let ingestor = ingestor(settings, tickets).await?;
    if queue {
        let worker = queue_worker(settings, ingestor)
            .await?
            .context("--queue needs MADOGUCHI_INBOUND_QUEUE_URL")?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let running = tokio::spawn(worker.run(stopped));
        tokio::signal::ctrl_c().await?;
        stop.send(true)?;
        running.await?;
        return Ok(());
    }
    if let Some(file) = file {
        let raw = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
        let outcome = ingestor.ingest(&raw).await?;
        println!("{}: {}", file.display(), describe(&outcome));
        return Ok(());
    }
    let Some(dir) = dir else {
        anyhow::bail!("give --file or --dir")
    };
    let (incoming, done) = (dir.join("new"), dir.join("cur"));
    std::fs::create_dir_all(&incoming)
        .with_context(|| format!("creating {}", incoming.display()))?;
    std::fs::create_dir_all(&done)?;
    tracing::info!(dir = %dir.display(), "watching for inbound mail");
    loop {
        for path in pending(&incoming)? {
            let raw = std::fs::read(&path)?;
            let outcome = ingestor.ingest(&raw).await?;
            tracing::info!(outcome = describe(&outcome), "mail ingested");
            let name = path.file_name().map(|n| n.to_owned()).unwrap_or_default();
            std::fs::rename(&path, done.join(name))?;
        }
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            () = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

pub async fn ingestor(settings: &Settings, tickets: TicketService) -> anyhow::Result<Ingestor> {
    Ok(Ingestor::new(
        tickets,
        Signer::new(&settings.signing_key()?),
        settings.mail_store().await,
    ))
}

/// The SQS worker, when a queue is configured.
pub async fn queue_worker(
    settings: &Settings,
    ingestor: Ingestor,
) -> anyhow::Result<Option<QueueIngest>> {
    let Some(url) = settings
        .inbound_queue_url
        .as_deref()
        .filter(|u| !u.is_empty())
    else {
        return Ok(None);
    };
    let aws = projections::aws::from_environment().await;
    Ok(Some(QueueIngest::new(&aws, url.to_owned(), ingestor)))
}

fn pending(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The outcome in words, without any personal data.
fn describe(outcome: &Ingested) -> String {
    match outcome {
        Ingested::Threaded { ticket_id } => format!("added to ticket {ticket_id}"),
        Ingested::Opened { ticket_id } => format!("opened ticket {ticket_id}"),
        Ingested::Duplicate => "duplicate, skipped".into(),
        Ingested::Ignored { reason } => format!("ignored ({reason})"),
        Ingested::Bounced { ticket_id } => format!("bounce recorded on ticket {ticket_id}"),
        Ingested::Rejected { reason } => format!("rejected ({reason}); raw copy kept"),
    }
}
