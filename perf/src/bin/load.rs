//! Load scenarios against a running Madoguchi, with goose:
//!
//! ```sh
//! MADOGUCHI_LOAD_SCENARIO=recall MADOGUCHI_LOAD_TOKEN=… \
//! MADOGUCHI_LOAD_LOGIN=… MADOGUCHI_LOAD_PASSWORD=… \
//!   cargo run --release -p perf --bin load -- --host http://127.0.0.1:8080 \
//!   --no-telnet --no-websocket --report-file recall.md
//! ```
//!
//! The scenario (perf/src/load.rs) sets the users, their pace, the test plan
//! and the pass/fail thresholds; any goose option given on the command line
//! overrides it. The run exits non-zero when a threshold fails.

use std::sync::OnceLock;

use goose::prelude::*;
use perf::load::{self, Shape};
use serde_json::{Value, json};

/// The API token and the console login every simulated user shares.
struct Credentials {
    token: String,
    login: String,
    password: String,
}

static CREDENTIALS: OnceLock<Credentials> = OnceLock::new();

fn credentials() -> Result<&'static Credentials, Box<TransactionError>> {
    CREDENTIALS
        .get()
        .ok_or_else(|| Box::new(TransactionError::from("no credentials")))
}

/// One agent's state between actions.
#[derive(Clone)]
struct Agent {
    /// Inquiry numbers seen in the last list, to open and act on.
    seen: Vec<String>,
    turn: usize,
}

fn env(name: &str) -> Result<String, GooseError> {
    std::env::var(name).map_err(|_| GooseError::InvalidOption {
        option: name.to_owned(),
        value: String::new(),
        detail: format!("set {name} (see perf/README.md)"),
    })
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    let name = std::env::var("MADOGUCHI_LOAD_SCENARIO").unwrap_or_else(|_| "normal".into());
    let Some(shape) = load::shape(&name) else {
        return Err(GooseError::InvalidOption {
            option: "MADOGUCHI_LOAD_SCENARIO".into(),
            value: name,
            detail: format!("one of {}", load::NAMES.join(", ")),
        });
    };
    eprintln!(
        "scenario {}: {} customers ({:.2} inquiries/s), {} agents, test plan {}",
        shape.name,
        shape.customers,
        shape.inquiry_rate(),
        shape.agents,
        shape.test_plan
    );
    // Read once, before the run, so a missing one stops it at once.
    let _ = CREDENTIALS.set(Credentials {
        token: env("MADOGUCHI_LOAD_TOKEN")?,
        login: env("MADOGUCHI_LOAD_LOGIN")?,
        password: env("MADOGUCHI_LOAD_PASSWORD")?,
    });
    attack(&shape)?.execute().await?;
    Ok(())
}

fn attack(shape: &Shape) -> Result<GooseAttack, GooseError> {
    let mut attack = *GooseAttack::initialize()?
        .register_scenario(
            scenario!("customer")
                .set_weight(shape.customers)?
                .set_wait_time(shape.customer_wait, shape.customer_wait)?
                .register_transaction(transaction!(submit_inquiry)),
        )
        .register_scenario(
            scenario!("agent")
                .set_weight(shape.agents)?
                .set_wait_time(shape.agent_wait.0, shape.agent_wait.1)?
                .register_transaction(transaction!(log_in).set_on_start())
                .register_transaction(transaction!(work)),
        )
        .set_default(GooseDefault::TestPlan, shape.test_plan.as_str())?
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::NoWebSocket, true)?
        .set_default(GooseDefault::NoThresholdAbort, !shape.stop_at_failure)?
        // Requests time out well after the SLO, so a slow answer counts as
        // slow, not as an error.
        .set_default(GooseDefault::Timeout, "10")?;
    for rule in &shape.thresholds {
        attack = *attack.set_default(GooseDefault::Threshold, rule.as_str())?;
    }
    Ok(attack)
}

/// A customer's inquiry: the API path of the contact form.
async fn submit_inquiry(user: &mut GooseUser) -> TransactionResult {
    let n = user.weighted_users_index;
    let body = json!({
        "category_id": 1 + n % 5,
        "subject": "注文した商品について",
        "body": "先週注文した商品がまだ届きません。配送状況を教えてください。返金も検討しています。",
        "customer_name": format!("負荷 試験{n}"),
        "customer_email": format!("load{n}@example.jp"),
    });
    let builder = user
        .get_request_builder(&GooseMethod::Post, "/api/v1/inquiries")?
        .bearer_auth(&credentials()?.token)
        .json(&body);
    send(
        user,
        GooseMethod::Post,
        "/api/v1/inquiries",
        "api-inquiry",
        builder,
    )
    .await?;
    Ok(())
}

/// An agent logs in to the console once; the API calls use the token.
async fn log_in(user: &mut GooseUser) -> TransactionResult {
    let credentials = credentials()?;
    let form = [
        ("login_id", credentials.login.as_str()),
        ("password", credentials.password.as_str()),
    ];
    let builder = user
        .get_request_builder(&GooseMethod::Post, "/login")?
        .form(&form);
    send(user, GooseMethod::Post, "/login", "login", builder).await?;
    user.set_session_data(Agent {
        seen: Vec::new(),
        turn: 0,
    });
    Ok(())
}

/// One agent action, in a fixed round: the new-ticket list, a search, a
/// ticket through the API and the console, the dashboard, and now and then
/// a reply or a status change.
async fn work(user: &mut GooseUser) -> TransactionResult {
    let Some(agent) = user.get_session_data::<Agent>().cloned() else {
        return Ok(());
    };
    let token = &credentials()?.token;
    let number = agent
        .seen
        .get(agent.turn % agent.seen.len().max(1))
        .cloned();
    match (agent.turn % 8, number) {
        (0, _) | (_, None) => {
            let path = "/api/v1/tickets?status=new&sort=priority&order=desc";
            let builder = user
                .get_request_builder(&GooseMethod::Get, path)?
                .bearer_auth(token);
            let list = send(user, GooseMethod::Get, path, "api-list", builder).await?;
            let seen = list
                .and_then(|v| v["items"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|i| i["inquiry_number"].as_str().map(str::to_owned))
                .take(10)
                .collect();
            if let Some(agent) = user.get_session_data_mut::<Agent>() {
                agent.seen = seen;
            }
        }
        (1, _) => {
            let path = "/api/v1/tickets?q=%E8%BF%94%E9%87%91&status=new";
            let builder = user
                .get_request_builder(&GooseMethod::Get, path)?
                .bearer_auth(token);
            send(user, GooseMethod::Get, path, "api-search", builder).await?;
        }
        (2, Some(number)) => {
            let path = format!("/api/v1/tickets/{number}");
            let builder = user
                .get_request_builder(&GooseMethod::Get, &path)?
                .bearer_auth(token);
            send(user, GooseMethod::Get, &path, "api-detail", builder).await?;
        }
        (3, _) => screen(user, "/console/tickets?status=new", "screen-list").await?,
        (4, Some(number)) => {
            screen(user, &format!("/console/tickets/{number}"), "screen-detail").await?
        }
        (5, _) => screen(user, "/console/dashboard", "screen-dashboard").await?,
        (6, Some(number)) => {
            let body = json!({ "body": "お問い合わせありがとうございます。確認して改めてご連絡いたします。" });
            command(user, token, &number, "replies", "api-reply", &body).await?;
        }
        (_, Some(number)) => {
            let body = json!({ "status": "in_progress" });
            command(user, token, &number, "status", "api-status", &body).await?;
        }
    }
    if let Some(agent) = user.get_session_data_mut::<Agent>() {
        agent.turn += 1;
    }
    Ok(())
}

async fn screen(user: &mut GooseUser, path: &str, name: &str) -> TransactionResult {
    let builder = user.get_request_builder(&GooseMethod::Get, path)?;
    send(user, GooseMethod::Get, path, name, builder).await?;
    Ok(())
}

/// A command on a ticket, as an agent gives it: on the version just read
/// (commands need `If-Match`). Another agent may act in between, so 409
/// (version conflict) and 422 (a status move no longer allowed) are what a
/// real agent would see, and count as answered, not as failures.
async fn command(
    user: &mut GooseUser,
    token: &str,
    number: &str,
    action: &str,
    name: &str,
    body: &Value,
) -> TransactionResult {
    let detail = format!("/api/v1/tickets/{number}");
    let builder = user
        .get_request_builder(&GooseMethod::Get, &detail)?
        .bearer_auth(token);
    let Some(version) = send(user, GooseMethod::Get, &detail, "api-detail", builder)
        .await?
        .and_then(|detail| detail["ticket"]["version"].as_i64())
    else {
        return Ok(());
    };
    let path = format!("/api/v1/tickets/{number}/{action}");
    let builder = user
        .get_request_builder(&GooseMethod::Post, &path)?
        .bearer_auth(token)
        .header("If-Match", format!("\"{version}\""))
        .json(body);
    let request = GooseRequest::builder()
        .method(GooseMethod::Post)
        .path(path.as_str())
        .name(name)
        .set_request_builder(builder)
        .build();
    let mut answer = user.request(request).await?;
    if let Ok(response) = &answer.response
        && matches!(response.status().as_u16(), 409 | 422)
    {
        user.set_success(&mut answer.request)?;
    }
    Ok(())
}

/// Sends a request under `name`, and returns its JSON body when it has one.
async fn send(
    user: &mut GooseUser,
    method: GooseMethod,
    path: &str,
    name: &str,
    builder: goose_reqwest::RequestBuilder,
) -> Result<Option<Value>, Box<TransactionError>> {
    let request = GooseRequest::builder()
        .method(method)
        .path(path)
        .name(name)
        .set_request_builder(builder)
        .build();
    let answer = user.request(request).await?;
    match answer.response {
        Ok(response) if response.status().is_success() => Ok(response.json().await.ok()),
        _ => Ok(None),
    }
}
