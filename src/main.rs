//! `madoguchi`: the composition root. Parses the command line, loads the
//! configuration, and starts the roles; the crates hold all the behaviour.

mod customers;
mod demo;
mod logging;
mod mail_ingest;
mod maintenance;
mod serve;
mod settings;
mod users;

use clap::{Parser, Subcommand};
use command_api::employees::Role;

use crate::settings::Settings;

#[derive(Parser)]
#[command(
    name = "madoguchi",
    version,
    about = "LifestyleMart お問い合わせ窓口 (Madoguchi)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Everything in one process on one port (the default).
    Serve {
        /// Seed sample employees and tickets, and print their logins.
        #[arg(long)]
        demo: bool,
    },
    /// Only the command API (POST routes), as its ECS service runs it.
    CommandApi,
    /// Only the read API and console pages (GET routes).
    ReadApi,
    /// The projection workers (with health endpoints), or their maintenance.
    Projections {
        #[command(subcommand)]
        command: Option<ProjectionsCommand>,
    },
    /// Ingests inbound customer mail: one `.eml` file, a maildir-like folder
    /// watched for new files (`DIR/new`, moved to `DIR/cur` once done), or
    /// the SQS queue of mail SES stored in S3 (`MADOGUCHI_INBOUND_QUEUE_URL`).
    MailIngest {
        #[arg(long, conflicts_with_all = ["dir", "queue"], required_unless_present_any = ["dir", "queue"])]
        file: Option<std::path::PathBuf>,
        #[arg(long, conflicts_with = "queue")]
        dir: Option<std::path::PathBuf>,
        #[arg(long)]
        queue: bool,
    },
    /// Applies the database migrations, then exits.
    Migrate,
    /// Manages employees.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manages API tokens for integrations.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Customers' personal data.
    Customer {
        #[command(subcommand)]
        command: CustomerCommand,
    },
    /// Exits 0 when the local server answers /healthz (for container health checks).
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080/healthz")]
        url: String,
    },
}

#[derive(Subcommand)]
enum ProjectionsCommand {
    /// Each projection's position, the head, lag in events and seconds, health.
    Status,
    /// Replays a projection from position 0 into new tables and switches to
    /// them when caught up; the old tables keep serving meanwhile.
    Rebuild {
        /// The projection to rebuild (see `status`).
        name: Option<String>,
        /// Rebuild every projection.
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Creates an employee. The password is prompted for, or read from stdin.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issues an API token for an employee and prints it once.
    Create {
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "integration")]
        label: String,
    },
}

#[derive(Subcommand)]
enum CustomerCommand {
    /// Erases a customer's personal data from every ticket, mail file and
    /// read model by deleting their data key. Cannot be undone.
    Erase {
        /// The customer's address. Without it (and without --customer) the
        /// address is read from stdin, so it stays out of process lists and
        /// the records of whatever started the command.
        #[arg(long, conflicts_with = "customer")]
        email: Option<String>,
        /// The customer's reference, as the history shows it (to finish an
        /// erasure, or erase a phone caller who gave no address).
        #[arg(long)]
        customer: Option<uuid::Uuid>,
        /// customer_request, retention or legal.
        #[arg(long, value_parser = customers::parse_reason)]
        reason: domain::ticket::ErasureReason,
        /// The login of the admin who handled the request (recorded in the history).
        #[arg(long)]
        by: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse().map_err(|e| format!("{e}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Action::Serve { demo: false });
    if let Action::Healthcheck { url } = &command {
        return serve::healthcheck(url).await;
    }
    let settings = Settings::load()?;
    // Services log to stdout (CloudWatch reads it); one-shot commands keep
    // stdout for their output, such as a printed token.
    let service = matches!(
        command,
        Action::Serve { .. }
            | Action::CommandApi
            | Action::ReadApi
            | Action::Projections { command: None }
            | Action::MailIngest { file: None, .. }
    );
    let telemetry = logging::init(settings.log_format, service);
    if service {
        tracing::info!(settings = ?settings, "starting");
    }
    let outcome = run(command, settings).await;
    telemetry.shutdown();
    outcome
}

async fn run(command: Action, settings: Settings) -> anyhow::Result<()> {
    match command {
        Action::Serve { demo } => serve::run(&settings, serve::Role::All, demo).await,
        Action::CommandApi => serve::run(&settings, serve::Role::CommandApi, false).await,
        Action::ReadApi => serve::run(&settings, serve::Role::ReadApi, false).await,
        Action::Projections { command: None } => {
            serve::run(&settings, serve::Role::Projections, false).await
        }
        Action::Projections {
            command: Some(ProjectionsCommand::Status),
        } => {
            let db = serve::connect_migrated(&settings).await?;
            maintenance::status(&db, &settings.event_store(&db)?).await
        }
        Action::Projections {
            command: Some(ProjectionsCommand::Rebuild { name, all }),
        } => {
            let db = serve::connect_migrated(&settings).await?;
            maintenance::rebuild(&settings.event_store(&db)?, name.as_deref(), all).await
        }
        Action::Migrate => {
            let db = serve::connect(&settings).await?;
            db.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Action::User {
            command: UserCommand::Create { login, name, role },
        } => {
            users::create(
                &serve::connect_migrated(&settings).await?,
                &login,
                &name,
                role,
            )
            .await
        }
        Action::Token {
            command: TokenCommand::Create { login, label },
        } => users::create_token(&serve::connect_migrated(&settings).await?, &login, &label).await,
        Action::MailIngest { file, dir, queue } => {
            mail_ingest::run(&settings, file, dir, queue).await
        }
        Action::Customer {
            command:
                CustomerCommand::Erase {
                    email,
                    customer,
                    reason,
                    by,
                },
        } => {
            let who = match (email, customer) {
                (_, Some(customer)) => customers::Who::Customer(customer),
                (Some(email), None) => customers::Who::Email(email),
                (None, None) => customers::Who::Email(customers::read_email()?),
            };
            customers::erase(&settings, who, reason, &by).await
        }
        Action::Healthcheck { .. } => Ok(()),
    }
}
