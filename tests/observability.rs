//! The running binary, observed from outside: its traces reach Datadog's own
//! test agent (a request span with child spans for the event-store append
//! and for SQL, under the configured service and env), its JSON log lines
//! carry the ids that link them to those traces, and nothing personal or
//! secret reaches its logs across a whole scenario.
//!
//! Needs `MADOGUCHI_TEST_DD_AGENT_URL` (scripts/ddapm-test-agent.sh); says so
//! and skips without it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

/// What the scenario types in, none of which may appear in a log line.
const CUSTOMER_NAME: &str = "秘密川 花子";
const CUSTOMER_EMAIL: &str = "hanako.himitsu@example.jp";
const ORDER_NUMBER: &str = "LM-20261128-7731";
const INQUIRY_BODY: &str = "ログに出てはいけない問い合わせ本文です。";
const NOTE_BODY: &str = "ログに出てはいけない社内メモです。";
const REPLY_BODY: &str = "ログに出てはいけない返信本文です。";
const PASSWORD: &str = "Sekrit-Passw0rd-4-logs";

struct Server {
    child: Child,
    base: String,
    logs: PathBuf,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn environment(dir: &Path, agent: &str, service: &str) -> HashMap<&'static str, String> {
    HashMap::from([
        (
            "DATABASE_URL",
            format!("sqlite://{}/madoguchi.db", dir.display()),
        ),
        ("MADOGUCHI_DATA_DIR", dir.display().to_string()),
        (
            "MADOGUCHI_OUTBOX_DIR",
            dir.join("outbox").display().to_string(),
        ),
        ("MADOGUCHI_LOG_FORMAT", "json".to_owned()),
        ("DD_TRACE_AGENT_URL", agent.to_owned()),
        ("DD_SERVICE", service.to_owned()),
        ("DD_ENV", "ci".to_owned()),
        ("DD_VERSION", "test".to_owned()),
        // Everything the code logs, including debug lines.
        (
            "RUST_LOG",
            "debug,sqlx=warn,hyper=info,h2=info,aws=info".to_owned(),
        ),
    ])
}

fn run(env: &HashMap<&'static str, String>, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs the binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("writes");
    let output = child.wait_with_output().expect("finishes");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The all-in-one binary on an empty embedded store, with an agent and its
/// API token ready.
async fn start(agent: &str, service: &str) -> (Server, String) {
    let dir = std::env::temp_dir().join(format!("mdgt_obs_{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("creates the folder");
    let mut env = environment(&dir, agent, service);
    run(&env, &["migrate"], "");
    run(
        &env,
        &[
            "user",
            "create",
            "--login",
            "sasaki",
            "--name",
            "佐々木 由美",
            "--role",
            "agent",
        ],
        &format!("{PASSWORD}\n"),
    );
    let token = run(&env, &["token", "create", "--login", "sasaki"], "")
        .trim()
        .to_owned();
    let port = free_port();
    env.insert("MADOGUCHI_BIND", format!("127.0.0.1:{port}"));
    let logs = dir.join("stdout.log");
    let child = Command::new(BIN)
        .arg("serve")
        .envs(&env)
        .stdout(std::fs::File::create(&logs).expect("log file"))
        .stderr(std::fs::File::create(dir.join("stderr.log")).expect("log file"))
        .spawn()
        .expect("starts the server");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        logs,
        dir,
    };
    for _ in 0..200 {
        if reqwest::get(format!("{}/readyz", server.base))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return (server, token);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

/// Stops the server as ECS does (SIGTERM), so it flushes its spans.
fn stop(server: &mut Server) {
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    for _ in 0..100 {
        if server.child.try_wait().ok().flatten().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not stop on SIGTERM");
}

/// Every span the agent holds for `service`, by span id.
async fn spans_of(agent: &str, service: &str) -> HashMap<u64, Value> {
    let traces: Value = reqwest::get(format!("{agent}/test/traces"))
        .await
        .expect("the agent answers")
        .json()
        .await
        .expect("JSON");
    traces
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|trace| trace.as_array().into_iter().flatten())
        .filter(|span| span["service"] == service)
        .filter_map(|span| Some((span["span_id"].as_u64()?, span.clone())))
        .collect()
}

/// The span's operation or resource name: either may carry the `tracing`
/// span's name, depending on how the exporter maps it.
fn named(span: &Value, name: &str) -> bool {
    span["name"] == name || span["resource"] == name
}

fn descends_from(spans: &HashMap<u64, Value>, span: &Value, ancestor: u64) -> bool {
    let mut parent = span["parent_id"].as_u64().unwrap_or(0);
    for _ in 0..64 {
        if parent == ancestor {
            return true;
        }
        match spans.get(&parent) {
            Some(next) => parent = next["parent_id"].as_u64().unwrap_or(0),
            None => return false,
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_reach_the_agent_and_logs_link_to_them_without_personal_data() {
    let Ok(agent) = std::env::var("MADOGUCHI_TEST_DD_AGENT_URL") else {
        eprintln!(
            "skipping: MADOGUCHI_TEST_DD_AGENT_URL is not set (start scripts/ddapm-test-agent.sh)"
        );
        return;
    };
    let agent = agent.trim_end_matches('/').to_owned();
    let service = format!("madoguchi-test-{}", Uuid::new_v4().simple());
    let (mut server, token) = start(&agent, &service).await;
    let client = reqwest::Client::new();

    // A customer's inquiry, an internal note, a reply; then a wrong password.
    let opened: Value = client
        .post(format!("{}/api/v1/inquiries", server.base))
        .bearer_auth(&token)
        .json(&json!({
            "category_id": 1,
            "order_number": ORDER_NUMBER,
            "subject": "注文した商品について",
            "body": INQUIRY_BODY,
            "customer_name": CUSTOMER_NAME,
            "customer_email": CUSTOMER_EMAIL,
        }))
        .send()
        .await
        .expect("sends")
        .json()
        .await
        .expect("JSON");
    let number = opened["inquiry_number"]
        .as_str()
        .expect("a number")
        .to_owned();
    let mut version = opened["version"].as_i64().expect("a version");
    for (path, body) in [("notes", NOTE_BODY), ("replies", REPLY_BODY)] {
        let response = client
            .post(format!("{}/api/v1/tickets/{number}/{path}", server.base))
            .bearer_auth(&token)
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({ "body": body }))
            .send()
            .await
            .expect("sends");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        let answer: Value = response.json().await.expect("JSON");
        version = answer["version"].as_i64().expect("a version");
    }
    let _ = client
        .post(format!("{}/login", server.base))
        .form(&[("login", "sasaki"), ("password", "wrong-but-secret-too")])
        .send()
        .await
        .expect("sends");
    // The acknowledgement and the reply are written by the workers.
    let outbox = server.dir.join("outbox");
    for _ in 0..100 {
        if std::fs::read_dir(&outbox).map_or(0, |d| d.count()) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop(&mut server);

    // Traces: the inquiry's request span has the append and SQL below it.
    let mut spans = HashMap::new();
    for _ in 0..50 {
        spans = spans_of(&agent, &service).await;
        if spans.values().any(|s| named(s, "event_store.append")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!spans.is_empty(), "no span reached the agent for {service}");
    let request = spans
        .values()
        .find(|s| s["resource"] == "POST /api/v1/inquiries")
        .unwrap_or_else(|| panic!("no request span: {spans:#?}"));
    assert_eq!(request["name"], "http.request", "{request}");
    assert_eq!(request["meta"]["http.status_code"], "201", "{request}");
    let request_id = request["span_id"].as_u64().expect("an id");
    assert_eq!(request["meta"]["env"], "ci", "{request}");
    assert_eq!(request["meta"]["version"], "test", "{request}");
    let below: Vec<&Value> = spans
        .values()
        .filter(|s| descends_from(&spans, s, request_id))
        .collect();
    assert!(
        below.iter().any(|s| named(s, "event_store.append")),
        "no append under the request: {below:#?}"
    );
    assert!(
        below.iter().any(|s| named(s, "numbers.allocate")),
        "no SQL function span under the request: {below:#?}"
    );

    // Logs: JSON lines, linked to the traces, with nothing personal.
    let text = std::fs::read_to_string(&server.logs).expect("reads the log");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    assert!(lines.len() > 5, "the scenario logged: {text}");
    let trace_ids: Vec<String> = spans
        .values()
        .filter_map(|s| s["trace_id"].as_u64().map(|t| t.to_string()))
        .collect();
    assert!(
        lines.iter().any(|l| l["dd.trace_id"]
            .as_str()
            .is_some_and(|t| trace_ids.iter().any(|id| id == t))),
        "no log line carries a trace id the agent received"
    );
    assert!(lines.iter().all(|l| l["dd.service"] == service.as_str()));
    let stderr = std::fs::read_to_string(server.dir.join("stderr.log")).unwrap_or_default();
    let local = CUSTOMER_EMAIL.split('@').next().unwrap_or_default();
    for secret in [
        CUSTOMER_NAME,
        "秘密川",
        CUSTOMER_EMAIL,
        local,
        ORDER_NUMBER,
        INQUIRY_BODY,
        NOTE_BODY,
        REPLY_BODY,
        PASSWORD,
        "wrong-but-secret-too",
        &token,
    ] {
        assert!(!text.contains(secret), "the log holds {secret:?}");
        assert!(!stderr.contains(secret), "stderr holds {secret:?}");
    }
}
