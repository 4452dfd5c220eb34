//! The read API over HTTP, on both backends, with a live projection worker.

use std::sync::Arc;

use axum::Router;
use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::employees::{self, Role};
use command_api::http::{AppState, health, router as commands, with_standard_layers};
use command_api::on_pool;
use command_api::testing::sealed_store;
use projections::engine::Worker;
use projections::tickets::TicketsProjection;
use projections::triage::TriageReactor;
use read_api::queries::search::{self, Candidates};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::watch;

struct TestApp {
    base: String,
    client: reqwest::Client,
    agent: String,
    supervisor: String,
    store: command_api::event_store::EventStore,
    _stop: watch::Sender<bool>,
}

impl TestApp {
    async fn start(db: Db) -> Self {
        let store = sealed_store(&db);
        let state = AppState::new(db.clone(), TicketService::new(store.clone()));
        let app: Router = with_standard_layers(
            Router::new()
                .merge(health::router())
                .merge(commands())
                .merge(read_api::router())
                .with_state(state),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("has address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(Worker::new(store.clone(), Arc::new(TicketsProjection)).run(stopped));
        let mut tokens = Vec::new();
        for (login, role) in [("sato", Role::Agent), ("kobayashi", Role::Supervisor)] {
            let id = employees::create(&db, login, login, role, "correct horse battery", false)
                .await
                .expect("creates");
            tokens.push(
                employees::issue_token(&db, id, "test")
                    .await
                    .expect("issues"),
            );
        }
        let supervisor = tokens.pop().expect("token");
        let agent = tokens.pop().expect("token");
        Self {
            base,
            client: reqwest::Client::new(),
            agent,
            supervisor,
            store,
            _stop: stop,
        }
    }

    async fn inquiry(&self, subject: &str, body: &str) -> Value {
        let request = json!({ "category_id": 1, "subject": subject, "body": body, "customer_name": "山田 太郎", "customer_email": "taro@example.jp" });
        let response = self
            .client
            .post(format!("{}/api/v1/inquiries", self.base))
            .json(&request)
            .send()
            .await
            .expect("sends");
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.expect("json")
    }

    async fn get_as(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("sends");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.get_as(&self.agent, path).await
    }

    async fn command(&self, path: &str, version: i64, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.agent)
            .header("If-Match", version.to_string())
            .json(&body)
            .send()
            .await
            .expect("sends");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("json")
    }

    async fn numbers(&self, query: &str) -> Vec<String> {
        let (status, body) = self.get(&format!("/api/v1/tickets?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["subject"].as_str().expect("subject").to_owned())
            .collect()
    }
}

fn encode(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn japanese_keyword_search_finds_substrings_and_nothing_else(db: Db) {
    let app = TestApp::start(db).await;
    let corpus = [
        ("返金してほしい", "届いた商品が壊れていました。"),
        ("サイズ交換の依頼", "Ｍサイズをエルに交換したいです。"),
        (
            "配送状況の確認",
            "注文番号 LM-20261127-5521 の荷物が届きません。",
        ),
        ("ｸｰﾎﾟﾝが使えない", "SALE2026 のコードがエラーになります。"),
        ("会員情報の変更", "メールアドレスを変えたいです。"),
    ];
    let mut last = json!(null);
    for (subject, body) in corpus {
        last = app.inquiry(subject, body).await;
    }
    let after = last["position"].as_i64().expect("position");
    let search = |q: &str| format!("q={}&after={after}&sort=received&order=asc", encode(q));
    assert_search_finds_substrings_and_nothing_else(&app, &search).await;
    // (The searches above waited for the projection to pass `after`.)
    let db = app.store.db().clone();
    // Through the n-gram index: the candidates are exactly the tickets that
    // hold the grams, nothing when one gram is missing, and too many past
    // the limit (the list then scans instead).
    let candidates = |terms: &[&str], limit: usize| {
        let terms: Vec<String> = terms.iter().map(|t| (*t).to_owned()).collect();
        let db = db.clone();
        async move {
            search::candidates(&db, 1, &terms, limit)
                .await
                .expect("reads the index")
        }
    };
    assert_eq!(candidates(&["返金"], 100).await, Candidates::Docs(vec![0]));
    assert_eq!(candidates(&["ｴﾗｰ"], 100).await, Candidates::Docs(vec![3]));
    assert_eq!(candidates(&["返品"], 100).await, Candidates::Docs(vec![]));
    assert_eq!(
        candidates(&["taro@example"], 100).await,
        Candidates::Docs(vec![0, 1, 2, 3, 4])
    );
    assert_eq!(candidates(&["taro@example"], 4).await, Candidates::TooMany);
    assert_eq!(
        candidates(&["山田", "返金"], 100).await,
        Candidates::Docs(vec![0])
    );
    // Paging through candidates keeps the order and loses nothing.
    let mut pages = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, body) = app
            .get(&format!(
                "/api/v1/tickets?{}&limit=2{cursor}",
                search("taro@example")
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        pages.push(body["items"].as_array().expect("items").len());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(pages, [2, 2, 1]);
    // A generation built before the index existed (shape 1) is searched by
    // scanning alone, with the same results.
    let sql = "UPDATE projection_checkpoints SET shape = 1 WHERE name = 'tickets'";
    on_pool!(&db, pool => sqlx::query(sql).execute(pool).await.map(|_| ())).expect("updates");
    assert_search_finds_substrings_and_nothing_else(&app, &search).await;
}

async fn assert_search_finds_substrings_and_nothing_else(
    app: &TestApp,
    search: &impl Fn(&str) -> String,
) {
    assert_eq!(app.numbers(&search("返金")).await, ["返金してほしい"]);
    assert_eq!(
        app.numbers(&search("金し")).await,
        ["返金してほしい"],
        "any two-character substring"
    );
    assert_eq!(
        app.numbers(&search("壊れ")).await,
        ["返金してほしい"],
        "bodies are searched"
    );
    assert_eq!(
        app.numbers(&search("壊")).await,
        ["返金してほしい"],
        "a single character"
    );
    assert_eq!(app.numbers(&search("交換")).await, ["サイズ交換の依頼"]);
    assert_eq!(
        app.numbers(&search("5521")).await,
        ["配送状況の確認"],
        "order numbers are searched"
    );
    assert_eq!(
        app.numbers(&search("クーポン")).await,
        ["ｸｰﾎﾟﾝが使えない"],
        "half-width kana match full-width"
    );
    assert_eq!(
        app.numbers(&search("ｓａｌｅ２０２６")).await,
        ["ｸｰﾎﾟﾝが使えない"],
        "full-width Latin and case fold"
    );
    assert_eq!(
        app.numbers(&search("taro@example")).await.len(),
        5,
        "customer email is searched"
    );
    assert_eq!(
        app.numbers(&search("山田 返金")).await,
        ["返金してほしい"],
        "all terms must match"
    );
    assert!(app.numbers(&search("返品")).await.is_empty());
    assert!(
        app.numbers(&search("返金した")).await.is_empty(),
        "every pair present, the term itself absent"
    );
    assert!(
        app.numbers(&search("100%")).await.is_empty(),
        "LIKE wildcards are literal"
    );
    assert!(
        app.numbers(&format!("{}&status=closed", search("返金")))
            .await
            .is_empty(),
        "search combines with filters"
    );
}

async fn keyset_pages_neither_repeat_nor_skip_while_tickets_arrive(db: Db) {
    let app = TestApp::start(db).await;
    let mut last = json!(null);
    for i in 0..23 {
        last = app.inquiry(&format!("件名{i:02}"), "本文").await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut arrived = 0;
    let after = last["position"].as_i64().expect("position");
    loop {
        let mut path = format!("/api/v1/tickets?limit=5&sort=received&order=asc&after={after}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let (status, body) = app.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        seen.extend(
            body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["subject"].as_str().expect("subject").to_owned()),
        );
        // New tickets arrive between pages; ascending order puts them last.
        app.inquiry(&format!("追加{arrived:02}"), "本文").await;
        arrived += 1;
        match body["next_cursor"].as_str() {
            Some(next) if arrived < 20 => cursor = Some(next.to_owned()),
            _ => break,
        }
    }
    let original: Vec<String> = (0..23).map(|i| format!("件名{i:02}")).collect();
    assert_eq!(
        seen[..23],
        original[..],
        "every original ticket once, in order"
    );
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no ticket twice");
}

async fn a_read_after_a_command_sees_the_command(db: Db) {
    let app = TestApp::start(db).await;
    let opened = app.inquiry("配送について", "まだ届きません").await;
    let number = opened["inquiry_number"].as_str().expect("number");
    let assigned = app
        .command(
            &format!("/api/v1/tickets/{number}/assignee"),
            1,
            json!({ "assignee_id": "me" }),
        )
        .await;
    let position = assigned["position"].as_i64().expect("position");
    let response = app
        .client
        .get(format!(
            "{}/api/v1/tickets/{number}?after={position}",
            app.base
        ))
        .bearer_auth(&app.agent)
        .send()
        .await
        .expect("sends");
    assert_eq!(response.headers()["x-madoguchi-consistency"], "fresh");
    let detail: Value = response.json().await.expect("json");
    assert_eq!(detail["ticket"]["assignee_name"], "sato");
    assert_eq!(detail["ticket"]["version"], 2);
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["opened", "assigned"]);
    assert_eq!(detail["allowed_statuses"], json!(["in_progress", "closed"]));
    // Not answered yet: the list says when the first answer is due.
    assert!(
        detail["ticket"]["first_response_due_at"].is_string(),
        "{detail}"
    );
    assert_eq!(detail["ticket"]["first_response_overdue"], false);
}

async fn supervisors_see_the_history_with_actors_changes_and_time_travel(db: Db) {
    let app = TestApp::start(db).await;
    let opened = app.inquiry("返金してほしい", "壊れていました").await;
    let number = opened["inquiry_number"].as_str().expect("number");
    let before_change = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("formats");
    app.command(
        &format!("/api/v1/tickets/{number}/priority"),
        1,
        json!({ "priority": "urgent" }),
    )
    .await;
    let path = format!(
        "/api/v1/tickets/{number}/events?as_of={}",
        encode(&before_change)
    );
    let (status, _) = app.get(&path).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "agents do not see the full history"
    );
    let (status, history) = app.get_as(&app.supervisor, &path).await;
    assert_eq!(status, StatusCode::OK, "{history}");
    let events = history["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["actor_name"], "お客様");
    assert_eq!(events[1]["actor_name"], "sato");
    assert_eq!(
        events[1]["change"],
        json!({ "field": "priority", "from": "中", "to": "緊急" })
    );
    assert!(
        events[1]["occurred_at_jst"]
            .as_str()
            .expect("jst")
            .contains('/')
    );
    assert_eq!(
        history["as_of"]["priority"], "medium",
        "as it was before the change"
    );
    let (status, body) = app
        .get_as(
            &app.supervisor,
            &format!("/api/v1/tickets/{number}/events?as_of=yesterday"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["errors"]["as_of"].is_array());
}

async fn the_dashboard_counts_the_backlog(db: Db) {
    let app = TestApp::start(db).await;
    let first = app.inquiry("至急", "返金してください").await;
    app.inquiry("質問", "サイズについて").await;
    let number = first["inquiry_number"].as_str().expect("number");
    let done = app
        .command(
            &format!("/api/v1/tickets/{number}/priority"),
            1,
            json!({ "priority": "urgent" }),
        )
        .await;
    let (status, board) = app
        .get(&format!("/api/v1/dashboard?after={}", done["position"]))
        .await;
    assert_eq!(status, StatusCode::OK, "{board}");
    assert_eq!(board["by_status"]["new"], 2);
    assert_eq!(board["urgent_open"], 1);
    assert_eq!(board["unassigned_open"], 2);
    assert_eq!(board["received_today"], 2);
    assert_eq!(board["urgent"][0]["inquiry_number"], number);
    assert_eq!(board["received_daily"].as_array().expect("days").len(), 30);
}

/// Overdue = open, unanswered, received before the cutoff: the per-hour
/// backlog counters cover the whole hours, the index the cutoff's own hour.
async fn the_overdue_count_follows_the_cutoff_to_the_microsecond(db: Db) {
    let app = TestApp::start(db.clone()).await;
    let waiting = app.inquiry("届きません", "まだ届きません").await;
    let answered = app.inquiry("質問", "サイズについて").await;
    let in_progress = app.inquiry("交換", "交換したい").await;
    app.command(
        &format!(
            "/api/v1/tickets/{}/replies",
            answered["inquiry_number"].as_str().expect("number")
        ),
        1,
        json!({ "body": "ご連絡ありがとうございます。" }),
    )
    .await;
    let done = app
        .command(
            &format!(
                "/api/v1/tickets/{}/status",
                in_progress["inquiry_number"].as_str().expect("number")
            ),
            1,
            json!({ "status": "in_progress" }),
        )
        .await;
    let (status, _) = app
        .get(&format!("/api/v1/dashboard?after={}", done["position"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let received = |ticket: &Value| {
        let number = ticket["inquiry_number"]
            .as_str()
            .expect("number")
            .to_owned();
        let db = db.clone();
        async move {
            let at: i64 = command_api::on_pool!(&db, pool => sqlx::query_scalar(
                "SELECT received_at FROM rm_tickets_g1 WHERE inquiry_number = ?",
            ).bind(&number).fetch_one(pool).await)
            .expect("row");
            at
        }
    };
    let (first, last) = (received(&waiting).await, received(&in_progress).await);
    let wait = time::Duration::hours(1);
    let overdue_at_cutoff = |cutoff: i64| {
        let db = db.clone();
        async move {
            let now = command_api::db::from_micros(cutoff) + wait;
            let board = read_api::queries::dashboard::load(&db, 1, now, wait)
                .await
                .expect("loads");
            assert_eq!(board.overdue.len() as i64, board.overdue_count);
            board
        }
    };
    assert_eq!(
        overdue_at_cutoff(first).await.overdue_count,
        0,
        "received at the cutoff is not yet overdue"
    );
    let board = overdue_at_cutoff(first + 1).await;
    assert_eq!(board.overdue_count, 1, "only the first is past the cutoff");
    assert_eq!(
        board.overdue[0].inquiry_number,
        waiting["inquiry_number"].as_str().expect("number")
    );
    assert_eq!(
        overdue_at_cutoff(last + 1).await.overdue_count,
        2,
        "answered tickets are not overdue"
    );
    let hours_later = overdue_at_cutoff(last + 3 * 3_600_000_000).await;
    assert_eq!(
        hours_later.overdue_count, 2,
        "whole hours come from the counters"
    );
    let numbers: Vec<&str> = hours_later
        .overdue
        .iter()
        .map(|r| r.inquiry_number.as_str())
        .collect();
    assert_eq!(
        numbers,
        [
            waiting["inquiry_number"].as_str().expect("number"),
            in_progress["inquiry_number"].as_str().expect("number")
        ],
        "oldest first, across both open statuses"
    );
}

async fn bad_query_parameters_get_422_never_500(db: Db) {
    let app = TestApp::start(db).await;
    for query in [
        "status=open",
        "priority=top",
        "limit=0",
        "limit=abc",
        "cursor=%%%",
        "cursor=bm90LWpzb24",
        "received_from=2026/11/28",
        "assignee=someone",
        "sort=name",
        "after=x",
    ] {
        let (status, body) = app.get(&format!("/api/v1/tickets?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
    }
    let (status, _) = app.get("/api/v1/dashboard?overdue_after_hours=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app.get("/api/v1/tickets/INQ-20000101-0001").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let anonymous = app
        .client
        .get(format!("{}/api/v1/tickets", app.base))
        .send()
        .await
        .expect("sends");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn supervisors_get_quality_analytics_as_json_and_csv(db: Db) {
    let app = TestApp::start(db).await;
    let mut last = json!(null);
    for i in 0..3 {
        let opened = app.inquiry(&format!("質問{i}"), "本文").await;
        let number = opened["inquiry_number"]
            .as_str()
            .expect("number")
            .to_owned();
        let path = |action: &str| format!("/api/v1/tickets/{number}/{action}");
        let replied = app
            .command(&path("replies"), 1, json!({ "body": "ご回答します。" }))
            .await;
        last = app
            .command(
                &path("status"),
                replied["version"].as_i64().expect("version"),
                json!({ "status": "resolved" }),
            )
            .await;
        if i == 0 {
            last = app
                .command(
                    &path("status"),
                    last["version"].as_i64().expect("version"),
                    json!({ "status": "in_progress" }),
                )
                .await;
        }
    }
    let wait = format!("/api/v1/tickets?after={}", last["position"]);
    app.get(&wait).await;
    let (status, _) = app.get("/api/v1/analytics").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .get_as(&app.supervisor, "/api/v1/analytics?group=agent")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["name"], "sato");
    assert_eq!(rows[0]["tickets"], 3);
    assert_eq!(rows[0]["replies_per_ticket"], 1.0);
    assert!((rows[0]["reopen_rate"].as_f64().expect("rate") - 1.0 / 3.0).abs() < 1e-9);
    assert!(rows[0]["first_response_median_minutes"].is_number());
    let response = app
        .client
        .get(format!(
            "{}/api/v1/analytics?group=category&format=csv",
            app.base
        ))
        .bearer_auth(&app.supervisor)
        .send()
        .await
        .expect("sends");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let text = response.text().await.expect("text");
    assert!(text.starts_with("\u{feff}週,カテゴリ,件数"), "{text}");
    assert!(text.contains("\"配送について\",3,"), "{text}");
    let (status, _) = app
        .get_as(
            &app.supervisor,
            "/api/v1/analytics?from=2026-12-01&to=2026-11-01",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn supervisors_manage_triage_rules_and_see_their_hits(db: Db) {
    let app = TestApp::start(db).await;
    let post = |path: String, token: String, body: Value| {
        let client = app.client.clone();
        let url = format!("{}{path}", app.base);
        async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("sends");
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let rule = json!({ "name": "新商品の不具合", "keywords": ["ふわふわケトル", "ﾌﾜﾌﾜ"], "priority": "urgent", "tag": "product" });
    let (status, _) = post(
        "/api/v1/triage-rules".into(),
        app.agent.clone(),
        rule.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, created) = post("/api/v1/triage-rules".into(), app.supervisor.clone(), rule).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (status, body) = post(
        "/api/v1/triage-rules".into(),
        app.supervisor.clone(),
        json!({ "name": "", "priority": "low" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["name", "priority", "keywords"] {
        assert!(body["errors"][field].is_array(), "{field}: {body}");
    }
    let (status, _) = post(
        format!("/api/v1/triage-rules/{id}"),
        app.supervisor.clone(),
        json!({ "name": "新商品", "keywords": ["ケトル"], "priority": "high", "active": false }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(
        "/api/v1/triage-rules/999999".into(),
        app.supervisor.clone(),
        json!({ "name": "x", "keywords": ["y"], "priority": "high" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, listed) = app.get_as(&app.supervisor, "/api/v1/triage-rules").await;
    assert_eq!(status, StatusCode::OK);
    let mine = listed["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == id)
        .expect("listed")
        .clone();
    assert_eq!(mine["keywords"], json!(["ケトル"]));
    assert_eq!(mine["active"], false);
    assert_eq!(mine["hit_count"], 0);
    assert!(
        listed["rules"].as_array().expect("rules").len() >= 11,
        "the defaults are listed too"
    );
}

async fn triage_labels_filter_the_list(db: Db) {
    let app = TestApp::start(db.clone()).await;
    let rule = json!({ "name": "ふわふわケトルは家電チームへ", "keywords": ["ふわふわケトル"], "priority": "urgent", "tag": "kettle", "assignee_group": "家電チーム" });
    let response = app
        .client
        .post(format!("{}/api/v1/triage-rules", app.base))
        .bearer_auth(&app.supervisor)
        .json(&rule)
        .send()
        .await
        .expect("sends");
    assert_eq!(response.status(), StatusCode::CREATED);
    app.inquiry("フワフワケトルについて", "電源が入りません。")
        .await;
    // A shipped rule tags refunds.
    app.inquiry("返金してほしい", "サイズが合いませんでした。")
        .await;
    app.inquiry("サイズについて", "Mサイズの着丈を教えてください。")
        .await;
    let (stop, stopped) = watch::channel(false);
    let triage = Worker::reactor(
        app.store.clone(),
        Arc::new(TriageReactor::new(TicketService::new(app.store.clone()))),
    );
    tokio::spawn(triage.run(stopped));
    let team = format!("group={}", encode("家電チーム"));
    let mut found = Vec::new();
    for _ in 0..100 {
        found = app.numbers(&team).await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(found, ["フワフワケトルについて"]);
    let (_, body) = app.get(&format!("/api/v1/tickets?{team}")).await;
    let kettle = &body["items"][0];
    assert_eq!(kettle["tags"], json!(["kettle"]));
    assert_eq!(kettle["assignee_groups"], json!(["家電チーム"]));
    assert_eq!(kettle["priority"], "urgent");
    let mut refunds = Vec::new();
    for _ in 0..100 {
        refunds = app.numbers("tag=refund").await;
        if !refunds.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(refunds, ["返金してほしい"]);
    assert!(
        app.numbers(&format!("group={}", encode("配送チーム")))
            .await
            .is_empty()
    );
    let (status, body) = app
        .get(&format!("/api/v1/tickets?group={}", "x".repeat(51)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["errors"]["group"].is_array(), "{body}");
    // The reactor counts the hit just after its commands; give it a moment.
    let mut hits = 0;
    for _ in 0..100 {
        hits = command_api::on_pool!(&db, pool => sqlx::query_scalar::<_, i64>("SELECT hit_count FROM triage_rules WHERE tag = 'kettle'").fetch_one(pool).await)
            .expect("reads");
        if hits > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(hits, 1);
    let _ = stop.send(true);
}

command_api::contract_tests!(
    triage_labels_filter_the_list,
    supervisors_manage_triage_rules_and_see_their_hits,
    supervisors_get_quality_analytics_as_json_and_csv,
    japanese_keyword_search_finds_substrings_and_nothing_else,
    keyset_pages_neither_repeat_nor_skip_while_tickets_arrive,
    a_read_after_a_command_sees_the_command,
    supervisors_see_the_history_with_actors_changes_and_time_travel,
    the_dashboard_counts_the_backlog,
    the_overdue_count_follows_the_cutoff_to_the_microsecond,
    bad_query_parameters_get_422_never_500,
);
