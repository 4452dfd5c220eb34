//! HTTP tests against the real command API on port 0, on both backends.

use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::employees::{self, Role};
use command_api::event_store::EventStore;
use command_api::http::{AppState, app};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct TestApp {
    base: String,
    client: reqwest::Client,
    db: Db,
    token: String,
}

impl TestApp {
    async fn start(db: Db) -> Self {
        let state = AppState::new(db.clone(), TicketService::new(EventStore::new(db.clone())));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("has address"));
        tokio::spawn(async move { axum::serve(listener, app(state)).await });
        let agent = employees::create(
            &db,
            "sato",
            "佐藤 美咲",
            Role::Agent,
            "correct horse battery",
            false,
        )
        .await
        .expect("creates");
        let token = employees::issue_token(&db, agent, "test")
            .await
            .expect("issues");
        Self {
            base,
            client: reqwest::Client::new(),
            db,
            token,
        }
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("sends");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn command(&self, path: &str, version: Option<i64>, body: &Value) -> (StatusCode, Value) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body);
        if let Some(version) = version {
            request = request.header("If-Match", format!("\"{version}\""));
        }
        let response = request.send().await.expect("sends");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn raw(&self, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}/api/v1/inquiries", self.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("sends");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn head(&self) -> i64 {
        EventStore::new(self.db.clone())
            .head_position()
            .await
            .expect("reads")
    }

    async fn open_ticket(&self) -> String {
        let (status, body) = self.post("/api/v1/inquiries", &inquiry()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["inquiry_number"]
            .as_str()
            .expect("has number")
            .to_owned()
    }
}

fn inquiry() -> Value {
    json!({
        "category_id": 1,
        "order_number": "LM-20261127-5521",
        "subject": "商品が届きません",
        "body": "11月20日に注文した商品がまだ届いていません。",
        "customer_name": "山田 太郎",
        "customer_email": "taro@example.jp",
    })
}

async fn the_intake_opens_a_ticket_with_an_inquiry_number(db: Db) {
    let app = TestApp::start(db).await;
    let response = app
        .client
        .post(format!("{}/api/v1/inquiries", app.base))
        .json(&inquiry())
        .send()
        .await
        .expect("sends");
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body: Value = response.json().await.expect("json");
    let number = body["inquiry_number"].as_str().expect("number");
    assert!(
        number.starts_with("INQ-") && number.ends_with("-0001"),
        "{number}"
    );
    assert_eq!(location, format!("/api/v1/tickets/{number}"));
    assert_eq!(body["version"], 1);
    assert_eq!(body["position"], app.head().await);
    let (_, second) = app.post("/api/v1/inquiries", &inquiry()).await;
    assert!(
        second["inquiry_number"]
            .as_str()
            .expect("number")
            .ends_with("-0002")
    );
}

async fn invalid_fields_get_422_with_japanese_messages_per_field(db: Db) {
    let app = TestApp::start(db).await;
    let mut long = inquiry();
    long["subject"] = json!("あ".repeat(201));
    let (status, body) = app.post("/api/v1/inquiries", &long).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"]["subject"],
        json!(["200文字以内で入力してください。"])
    );

    let (status, body) = app
        .post(
            "/api/v1/inquiries",
            &json!({ "category_id": "abc", "subject": 5, "customer_email": "not-an-address" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in [
        "category_id",
        "subject",
        "body",
        "customer_name",
        "customer_email",
    ] {
        assert!(
            body["errors"][field].is_array(),
            "{field} missing from {body}"
        );
    }
    assert_eq!(
        body["errors"]["customer_email"],
        json!(["メールアドレスの形式が正しくありません。"])
    );

    let mut control = inquiry();
    control["subject"] = json!("件名\u{0007}");
    let (status, body) = app.post("/api/v1/inquiries", &control).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"]["subject"],
        json!(["使用できない制御文字が含まれています。"])
    );
    assert_eq!(app.head().await, 0, "nothing was stored");
}

async fn an_inactive_or_unknown_category_is_refused(db: Db) {
    let app = TestApp::start(db.clone()).await;
    command_api::on_pool!(&db, pool => sqlx::query("UPDATE categories SET active = FALSE WHERE id = 6").execute(pool).await.map(|_| ()))
        .expect("disables");
    for category in [6, 999] {
        let mut request = inquiry();
        request["category_id"] = json!(category);
        let (status, body) = app.post("/api/v1/inquiries", &request).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            body["errors"]["category_id"],
            json!(["選択されたカテゴリは現在ご利用いただけません。"])
        );
    }
}

async fn malformed_bodies_get_clear_errors_and_never_500(db: Db) {
    let app = TestApp::start(db).await;
    let cases: Vec<(&str, Vec<u8>, StatusCode)> = vec![
        (
            "application/json",
            b"{\"subject\": ".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/json",
            b"[1, 2]".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "application/json",
            vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'],
            StatusCode::BAD_REQUEST,
        ),
        (
            "text/plain",
            serde_json::to_vec(&inquiry()).expect("json"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "application/json",
            format!("{{\"body\": \"{}\"}}", "あ".repeat(40_000)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "application/json",
            b"{\"subject\": \"raw\ncontrol\"}".to_vec(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (content_type, body, expected) in cases {
        let (status, response) = app.raw(content_type, body).await;
        assert_eq!(status, expected, "{response}");
        assert!(
            response["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{response}"
        );
    }
    assert_eq!(app.head().await, 0);
}

async fn an_idempotency_key_makes_a_repeat_harmless(db: Db) {
    let app = TestApp::start(db).await;
    let send = |body: Value| {
        app.client
            .post(format!("{}/api/v1/inquiries", app.base))
            .header("Idempotency-Key", "form-token-1")
            .json(&body)
            .send()
    };
    let first = send(inquiry()).await.expect("sends");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    let head = app.head().await;
    let again = send(inquiry()).await.expect("sends");
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.expect("json"), first);
    assert_eq!(app.head().await, head, "the repeat appended nothing");

    let mut other = inquiry();
    other["subject"] = json!("別の内容");
    let conflict = send(other).await.expect("sends");
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    assert_eq!(app.head().await, head);
}

async fn agent_commands_need_a_token_and_the_version_seen(db: Db) {
    let app = TestApp::start(db).await;
    let number = app.open_ticket().await;
    let status_path = format!("/api/v1/tickets/{number}/status");

    let anonymous = app
        .client
        .post(format!("{}{status_path}", app.base))
        .json(&json!({ "status": "in_progress" }))
        .send()
        .await
        .expect("sends");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let forged = app
        .client
        .post(format!("{}{status_path}", app.base))
        .bearer_auth("mdg_forged")
        .json(&json!({}))
        .send()
        .await
        .expect("sends");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    let (status, _) = app
        .command(&status_path, None, &json!({ "status": "in_progress" }))
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_REQUIRED);

    let (status, body) = app
        .command(&status_path, Some(1), &json!({ "status": "in_progress" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"], 2);

    let (status, body) = app
        .command(
            &format!("/api/v1/tickets/{number}/priority"),
            Some(1),
            &json!({ "priority": "high" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["current_version"], 2);
    assert_eq!(
        body["message"],
        "他の担当者がこのお問い合わせを更新しました。最新の内容を確認してください。"
    );

    let (status, body) = app
        .command(&status_path, Some(2), &json!({ "status": "new" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["message"],
        "ステータスを「対応中」から「未対応」に変更することはできません。"
    );

    let (status, body) = app
        .command(&status_path, Some(2), &json!({ "status": "done" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"]["status"], json!(["選択できない値です。"]));

    let (status, _) = app
        .command(
            "/api/v1/tickets/INQ-20000101-0001/status",
            Some(0),
            &json!({ "status": "closed" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .command(
            "/api/v1/tickets/not-a-number/status",
            Some(0),
            &json!({ "status": "closed" }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn agents_assign_note_reply_and_record_messages(db: Db) {
    let app = TestApp::start(db).await;
    let number = app.open_ticket().await;
    let path = |action: &str| format!("/api/v1/tickets/{number}/{action}");
    let steps = [
        ("assignee", json!({ "assignee_id": "me" })),
        ("priority", json!({ "priority": "urgent" })),
        ("notes", json!({ "body": "社内メモ: 配送業者に確認中" })),
        (
            "replies",
            json!({ "body": "ご不便をおかけして申し訳ございません。" }),
        ),
        (
            "messages",
            json!({ "from": "taro@example.jp", "body": "まだ届きません。", "received_at": "2026-11-28T14:05:00+09:00" }),
        ),
        ("assignee", json!({ "assignee_id": null })),
    ];
    let mut version = 1;
    for (action, body) in steps {
        let (status, response) = app.command(&path(action), Some(version), &body).await;
        assert_eq!(status, StatusCode::OK, "{action}: {response}");
        assert!(
            response["version"].as_i64().expect("version") > version,
            "{action} appended"
        );
        version = response["version"].as_i64().expect("version");
    }
    let (status, body) = app
        .command(
            &path("assignee"),
            Some(version),
            &json!({ "assignee_id": 999 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["errors"]["assignee_id"].is_array());
    let (status, body) = app
        .command(
            &path("messages"),
            Some(version),
            &json!({ "body": "x", "received_at": "昨日" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["errors"]["received_at"].is_array());
}

async fn agents_register_phone_inquiries(db: Db) {
    let app = TestApp::start(db).await;
    let phone = json!({
        "channel": "phone", "category_id": 3, "subject": "電話: ケトルの故障", "body": "電源が入らないとのお電話。",
        "customer_name": "井上 次郎", "priority": "high", "status": "in_progress", "assignee_id": "",
    });
    let (status, body) = app.command("/api/v1/tickets", None, &phone).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["version"], 2, "opened and moved to in progress");
    let (status, body) = app
        .command(
            "/api/v1/tickets",
            None,
            &json!({ "channel": "form", "category_id": 3 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["errors"]["channel"].is_array(), "{body}");
}

async fn health_and_readiness_answer(db: Db) {
    let app = TestApp::start(db).await;
    for path in ["/healthz", "/readyz"] {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("sends");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers().contains_key("x-request-id"));
    }
}

async fn metrics_report_projection_lag_the_outbox_and_requests(db: Db) {
    let app = TestApp::start(db).await;
    app.open_ticket().await;
    let response = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .expect("sends");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("text");
    assert!(text.contains("madoguchi_event_log_head 1"), "{text}");
    // Nothing runs the workers here, so every projection is one event behind.
    assert!(
        text.contains("madoguchi_projection_lag_events{projection=\"tickets\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("madoguchi_projection_halted{projection=\"tickets\"} 0"),
        "{text}"
    );
    assert!(
        text.contains("madoguchi_mail_outbox{status=\"queued\"} 0"),
        "{text}"
    );
    assert!(
        !text.contains("taro@example.jp"),
        "no personal data in metrics"
    );
    // No SLA pass has run yet: no gauge rather than a false zero. Once the
    // watcher has counted, every role reports its count from the database.
    assert!(!text.contains("madoguchi_sla_breached_open"), "{text}");
    command_api::sla_policies::record_open_breaches(&app.db, 2, 1)
        .await
        .expect("records");
    let again = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .expect("sends")
        .text()
        .await
        .expect("text");
    assert!(
        again.contains("madoguchi_sla_breached_open{kind=\"first_response\"} 2"),
        "{again}"
    );
    assert!(
        again.contains("madoguchi_sla_breached_open{kind=\"resolution\"} 1"),
        "{again}"
    );
    // This process's own counters (other tests in the same process may add
    // to them, so at least what this test did).
    let value = |prefix: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {prefix} in {text}"))
    };
    assert!(
        value(
            "madoguchi_http_requests_total{route=\"/api/v1/inquiries\",method=\"POST\",status=\"201\"}"
        ) >= 1.0
    );
    let route = "route=\"/api/v1/inquiries\",method=\"POST\"";
    let count = value(&format!(
        "madoguchi_http_request_duration_seconds_count{{{route}}}"
    ));
    assert!(count >= 1.0);
    assert_eq!(
        value(&format!(
            "madoguchi_http_request_duration_seconds_bucket{{{route},le=\"+Inf\"}}"
        )),
        count,
        "every request falls in the +Inf bucket"
    );
    assert!(value("madoguchi_events_appended_total") >= 1.0);
}

command_api::contract_tests!(
    the_intake_opens_a_ticket_with_an_inquiry_number,
    metrics_report_projection_lag_the_outbox_and_requests,
    invalid_fields_get_422_with_japanese_messages_per_field,
    an_inactive_or_unknown_category_is_refused,
    malformed_bodies_get_clear_errors_and_never_500,
    an_idempotency_key_makes_a_repeat_harmless,
    agent_commands_need_a_token_and_the_version_seen,
    agents_assign_note_reply_and_record_messages,
    agents_register_phone_inquiries,
    health_and_readiness_answer,
);
