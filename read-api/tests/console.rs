//! The console over plain HTTP on both backends: login and sessions, the
//! authorization matrix, CSRF, escaping, version conflicts, admin rules.
//! (The browser scenario in `e2e/` drives the same pages in Chromium.)

use std::sync::Arc;

use axum::Router;
use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::employees::{self, Role};
use command_api::http::{AppState, health, router as commands, with_standard_layers};
use command_api::testing::sealed_store;
use projections::engine::Worker;
use projections::mail::store::MailStore;
use projections::tickets::TicketsProjection;
use read_api::console::{self, ConsoleConfig};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use tokio::sync::watch;

const PASSWORD: &str = "correct horse battery";

struct TestApp {
    base: String,
    client: reqwest::Client,
    db: Db,
    _stop: watch::Sender<bool>,
}

/// A signed-in browser: its session cookie and the session's form token.
#[derive(Clone)]
struct Browser {
    cookie: String,
    csrf: String,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
    headers: reqwest::header::HeaderMap,
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

impl TestApp {
    async fn start(db: Db) -> Self {
        let store = sealed_store(&db);
        let state = AppState::new(db.clone(), TicketService::new(store.clone()));
        let sessions = console::session::Store::new(&db)
            .await
            .expect("session store");
        let app: Router = with_standard_layers(
            Router::new()
                .merge(health::router())
                .merge(commands())
                .merge(read_api::router())
                .merge(console::router(
                    sessions,
                    false,
                    ConsoleConfig {
                        files: Some(MailStore::Dir(std::env::temp_dir().join(format!(
                            "mdgt_console_files_{}",
                            uuid::Uuid::new_v4().simple()
                        )))),
                        ..ConsoleConfig::default()
                    },
                ))
                .with_state(state),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("has address"));
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(Worker::new(store, Arc::new(TicketsProjection)).run(stopped));
        for (login, name, role) in [
            ("agent1", "佐藤 花子", Role::Agent),
            ("agent2", "鈴木 一郎", Role::Agent),
            ("super1", "高橋 美咲", Role::Supervisor),
            ("admin1", "田中 健", Role::Admin),
        ] {
            employees::create(&db, login, name, role, PASSWORD, false)
                .await
                .expect("creates");
        }
        Self {
            base,
            client: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .expect("client"),
            db,
            _stop: stop,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Page {
        let response = request.send().await.expect("sends");
        let status = response.status();
        let headers = response.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            location,
            body,
            headers,
        }
    }

    async fn get(&self, browser: Option<&Browser>, path: &str) -> Page {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(b) = browser {
            request = request.header("cookie", &b.cookie);
        }
        self.send(request).await
    }

    /// A same-origin form post, as a browser sends it, with the form token.
    async fn post(&self, browser: Option<&Browser>, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("sec-fetch-site", "same-origin");
        if let Some(b) = browser {
            request = request.header("cookie", &b.cookie);
            form.push(("csrf", &b.csrf));
        }
        self.send(request.form(&form)).await
    }

    async fn try_login(&self, login: &str, password: &str) -> Page {
        self.post(
            None,
            "/login",
            &[("login_id", login), ("password", password)],
        )
        .await
    }

    async fn login(&self, login: &str) -> Browser {
        let page = self.try_login(login, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{login}: {}", page.body);
        let set_cookie = page
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("session cookie")
            .to_owned();
        let cookie = set_cookie.split(';').next().expect("cookie").to_owned();
        let list = self
            .get(
                Some(&Browser {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                }),
                "/console/tickets",
            )
            .await;
        let csrf = between(&list.body, "name=\"csrf-token\" content=\"", "\"")
            .expect("csrf meta")
            .to_owned();
        Browser { cookie, csrf }
    }

    async fn inquiry(&self, subject: &str, body: &str) -> String {
        let request = json!({ "category_id": 1, "subject": subject, "body": body, "customer_name": "山田 太郎", "customer_email": "taro@example.jp" });
        let response = self
            .client
            .post(format!("{}/api/v1/inquiries", self.base))
            .json(&request)
            .send()
            .await
            .expect("sends");
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await.expect("json");
        let number = created["inquiry_number"]
            .as_str()
            .expect("number")
            .to_owned();
        let position = created["position"].as_i64().expect("position");
        read_api::consistency::wait_for(&self.db, projections::tickets::NAME, Some(position))
            .await
            .expect("projection catches up");
        number
    }

    async fn event_count(&self) -> i64 {
        command_api::on_pool!(&self.db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM events").fetch_one(pool).await)
            .expect("counts")
    }
}

fn version_of(page: &Page) -> String {
    between(&page.body, "data-version=\"", "\"")
        .expect("data-version")
        .to_owned()
}

async fn login_sessions_and_logout(db: Db) {
    let app = TestApp::start(db).await;
    let anonymous = app.get(None, "/console/tickets?status=new").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.location.as_deref(),
        Some("/login?next=/console/tickets%3Fstatus%3Dnew")
    );
    let wrong = app.try_login("agent1", "wrong password!!").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .body
            .contains("ログインIDまたはパスワードが正しくありません。")
    );
    let unknown = app.try_login("nobody", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.body.len(),
        wrong.body.len() - "agent1".len() + "nobody".len()
    );

    let ok = app.try_login("agent1", PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let cookie = ok.headers["set-cookie"].to_str().expect("ascii");
    assert!(cookie.starts_with("madoguchi_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age=1800"), "30 minutes idle: {cookie}");

    let browser = app.login("agent1").await;
    let list = app.get(Some(&browser), "/console/tickets").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("佐藤 花子"));
    let csp = list.headers["content-security-policy"]
        .to_str()
        .expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(list.headers["x-content-type-options"], "nosniff");

    let out = app.post(Some(&browser), "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = app.get(Some(&browser), "/console/tickets").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
}

/// Seconds until the stored sessions expire (the soonest of them). Read and
/// written as the session store itself binds them, so both backends agree.
async fn session_seconds_left(db: &Db) -> i64 {
    let expiries: Vec<time::OffsetDateTime> = command_api::on_pool!(db, pool => sqlx::query_scalar(
        "SELECT expiry_date FROM console_sessions",
    ).fetch_all(pool).await)
    .expect("reads sessions");
    let soonest = expiries.into_iter().min().expect("a session is stored");
    (soonest - time::OffsetDateTime::now_utc()).whole_seconds()
}

/// Moves every stored session's expiry to `seconds` from now.
async fn expire_sessions_in(db: &Db, seconds: i64) {
    let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
    command_api::on_pool!(db, pool => sqlx::query("UPDATE console_sessions SET expiry_date = ?")
        .bind(at)
        .execute(pool)
        .await
        .map(|_| ()))
    .expect("ages sessions");
}

/// The server, not only the cookie, ends a session after 30 idle minutes,
/// and every request starts the 30 minutes again.
async fn sessions_end_after_thirty_idle_minutes(db: Db) {
    let app = TestApp::start(db.clone()).await;
    let browser = app.login("agent1").await;
    // 29 minutes idle: the next request still works and renews the window.
    expire_sessions_in(&db, 60).await;
    let list = app.get(Some(&browser), "/console/tickets").await;
    assert_eq!(list.status, StatusCode::OK);
    let left = session_seconds_left(&db).await;
    assert!(
        (1780..=1800).contains(&left),
        "renewed to 30 minutes: {left}s"
    );
    // 30 minutes idle: the stored session is gone even with the cookie.
    expire_sessions_in(&db, -1).await;
    let after = app.get(Some(&browser), "/console/tickets").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(
        after
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login")),
        "{:?}",
        after.location
    );
}

async fn authorization_matrix(db: Db) {
    let app = TestApp::start(db).await;
    let number = app.inquiry("権限の確認", "本文").await;
    let agent = app.login("agent1").await;
    let supervisor = app.login("super1").await;
    let admin = app.login("admin1").await;
    // (path, minimum role) for every page.
    let pages = [
        ("/console/tickets".to_owned(), Role::Agent),
        (format!("/console/tickets/{number}"), Role::Agent),
        ("/console/dashboard".to_owned(), Role::Agent),
        ("/console/phone".to_owned(), Role::Agent),
        ("/console/password".to_owned(), Role::Agent),
        (
            format!("/console/tickets/{number}/history"),
            Role::Supervisor,
        ),
        ("/console/analytics".to_owned(), Role::Supervisor),
        ("/console/analytics.csv".to_owned(), Role::Supervisor),
        ("/console/canned-replies".to_owned(), Role::Supervisor),
        ("/console/triage-rules".to_owned(), Role::Supervisor),
        ("/console/triage-rules/1".to_owned(), Role::Supervisor),
        ("/console/admin/employees".to_owned(), Role::Admin),
        ("/console/admin/employees/1".to_owned(), Role::Admin),
        ("/console/admin/categories".to_owned(), Role::Admin),
        ("/console/admin/customers/erase".to_owned(), Role::Admin),
        ("/console/admin/sla".to_owned(), Role::Admin),
    ];
    for (path, needed) in &pages {
        let anonymous = app.get(None, path).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "anonymous {path}");
        for (role, browser) in [
            (Role::Agent, &agent),
            (Role::Supervisor, &supervisor),
            (Role::Admin, &admin),
        ] {
            let page = app.get(Some(browser), path).await;
            let expected = if role >= *needed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(page.status, expected, "{role} GET {path}");
        }
    }
    // State-changing routes: refused by role before anything changes.
    let posts = [
        ("/console/canned-replies", Role::Supervisor),
        ("/console/canned-replies/1", Role::Supervisor),
        ("/console/canned-replies/1/delete", Role::Supervisor),
        ("/console/triage-rules", Role::Supervisor),
        ("/console/triage-rules/1", Role::Supervisor),
        ("/console/admin/employees", Role::Admin),
        ("/console/admin/employees/2", Role::Admin),
        ("/console/admin/employees/2/active", Role::Admin),
        ("/console/admin/employees/2/delete", Role::Admin),
        ("/console/admin/employees/2/reset-password", Role::Admin),
        ("/console/admin/categories", Role::Admin),
        ("/console/admin/categories/1", Role::Admin),
        ("/console/admin/categories/1/active", Role::Admin),
        ("/console/admin/categories/1/delete", Role::Admin),
        ("/console/admin/customers/erase", Role::Admin),
        ("/console/admin/sla", Role::Admin),
    ];
    let before = app.event_count().await;
    for (path, needed) in posts {
        let anonymous = app.post(None, path, &[]).await;
        assert_eq!(
            anonymous.status,
            StatusCode::SEE_OTHER,
            "anonymous POST {path}"
        );
        for (role, browser) in [(Role::Agent, &agent), (Role::Supervisor, &supervisor)] {
            if role < needed {
                let page = app.post(Some(browser), path, &[]).await;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{role} POST {path}");
            }
        }
    }
    assert_eq!(app.event_count().await, before);
    // Ticket actions and the phone form are for every signed-in employee.
    for action in [
        "status", "priority", "assignee", "notes", "replies", "messages", "presence",
    ] {
        let path = format!("/console/tickets/{number}/{action}");
        let anonymous = app.post(None, &path, &[("version", "1")]).await;
        assert_eq!(
            anonymous.status,
            StatusCode::SEE_OTHER,
            "anonymous POST {path}"
        );
    }
    assert_eq!(
        app.post(None, "/console/phone", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let canned = app.get(Some(&agent), "/console/canned-replies").await;
    assert!(canned.body.contains("権限がありません"));
}

async fn cross_site_posts_are_refused(db: Db) {
    let app = TestApp::start(db).await;
    let number = app.inquiry("CSRF の確認", "本文").await;
    let agent = app.login("agent1").await;
    let page = app
        .get(Some(&agent), &format!("/console/tickets/{number}"))
        .await;
    let version = version_of(&page);
    let path = format!("{}/console/tickets/{number}/notes", app.base);
    let before = app.event_count().await;
    let fields = [
        ("version", version.as_str()),
        ("body", "メモ"),
        ("csrf", agent.csrf.as_str()),
    ];
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
        ("origin", "null"),
    ] {
        let refused = app
            .send(
                app.client
                    .post(&path)
                    .header("cookie", &agent.cookie)
                    .header(header, value)
                    .form(&fields),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{header}: {value}");
    }
    // The right session but no token, or another session's token.
    let other = app.login("agent2").await;
    for token in ["", other.csrf.as_str()] {
        let refused = app
            .send(
                app.client
                    .post(&path)
                    .header("cookie", &agent.cookie)
                    .form(&[
                        ("version", version.as_str()),
                        ("body", "メモ"),
                        ("csrf", token),
                    ]),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "token {token:?}");
    }
    assert_eq!(app.event_count().await, before, "nothing was written");
    let accepted = app
        .post(
            Some(&agent),
            &format!("/console/tickets/{number}/notes"),
            &[("version", &version), ("body", "メモ")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    assert_eq!(app.event_count().await, before + 1);
}

async fn actions_conflicts_and_read_your_writes(db: Db) {
    let app = TestApp::start(db).await;
    let number = app
        .inquiry("商品が届きません", "注文した商品がまだ届きません。")
        .await;
    let one = app.login("agent1").await;
    let two = app.login("agent2").await;
    let path = format!("/console/tickets/{number}");
    let stale = app.get(Some(&two), &path).await;
    let stale_version = version_of(&stale);

    let page = app.get(Some(&one), &path).await;
    let version = version_of(&page);
    let assigned = app
        .post(
            Some(&one),
            &format!("{path}/assignee"),
            &[("version", &version), ("assignee_id", "me")],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.body);
    // The event carries the request's id, so logs and the audit trail meet.
    let request_id = assigned.headers["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let metadata: String = command_api::on_pool!(&app.db, pool => sqlx::query_scalar(
        "SELECT metadata FROM events ORDER BY global_position DESC LIMIT 1",
    ).fetch_one(pool).await)
    .expect("reads");
    let metadata: Value = serde_json::from_str(&metadata).expect("json");
    assert_eq!(metadata["request_id"], request_id.as_str(), "{metadata}");
    let location = assigned.location.expect("redirect");
    assert!(
        location.starts_with(&format!("{path}?after=")),
        "{location}"
    );
    // Read-your-writes: the page we land on already shows the change.
    let landed = app.get(Some(&one), &location).await;
    assert!(landed.body.contains("更新しました。"));
    assert!(
        between(&landed.body, "<dt>担当者</dt><dd>", "</dd>")
            .is_some_and(|a| a.contains("佐藤 花子")),
        "assignee shown"
    );

    // An illegal transition is refused with a message, not a 500.
    let version = version_of(&landed);
    let illegal = app
        .post(
            Some(&one),
            &format!("{path}/status"),
            &[("version", &version), ("status", "resolved")],
        )
        .await;
    assert_eq!(illegal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(illegal.body.contains("status-form"));
    // Empty note: a field message, the form kept.
    let empty = app
        .post(
            Some(&one),
            &format!("{path}/notes"),
            &[("version", &version), ("body", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("note-body"));

    // The second agent's page is stale: refused, told why, text kept.
    let before = app.event_count().await;
    let conflict = app
        .post(
            Some(&two),
            &format!("{path}/notes"),
            &[
                ("version", &stale_version),
                ("body", "お客様に電話済み <b>確認</b>"),
            ],
        )
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(
        conflict
            .body
            .contains("他の担当者がこのお問い合わせを更新しました")
    );
    assert!(conflict.body.contains("id=\"changes\""));
    assert!(
        conflict.body.contains("担当者変更"),
        "what changed is listed"
    );
    assert!(
        conflict
            .body
            .contains("お客様に電話済み &lt;b&gt;確認&lt;/b&gt;</textarea>"),
        "typed text kept"
    );
    assert_eq!(app.event_count().await, before, "nothing overwritten");

    // A double click on "send": one reply.
    let token = uuid::Uuid::new_v4().to_string();
    let fields = [
        ("version", version.as_str()),
        ("body", "ご連絡ありがとうございます。"),
        ("form_token", token.as_str()),
    ];
    let first = app
        .post(Some(&one), &format!("{path}/replies"), &fields)
        .await;
    let after_first = app.event_count().await;
    assert!(after_first > before);
    let second = app
        .post(Some(&one), &format!("{path}/replies"), &fields)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(first.location, second.location);
    assert_eq!(
        app.event_count().await,
        after_first,
        "the repeat wrote nothing"
    );
    let shown = app
        .get(Some(&one), first.location.as_deref().expect("location"))
        .await;
    assert_eq!(shown.body.matches("class=\"entry reply\"").count(), 1);
    assert!(shown.body.contains("送信待ち"));
}

async fn customer_text_is_escaped_everywhere(db: Db) {
    let app = TestApp::start(db).await;
    let hostile = "<script>alert(1)</script>\"'";
    let number = app.inquiry(hostile, &format!("本文 {hostile}")).await;
    let supervisor = app.login("super1").await;
    for path in [
        "/console/tickets".to_owned(),
        format!("/console/tickets/{number}"),
        format!("/console/tickets/{number}/history"),
        "/console/dashboard".to_owned(),
    ] {
        let page = app.get(Some(&supervisor), &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("<script>alert"),
            "{path} renders markup"
        );
        if path != "/console/dashboard" {
            assert!(
                page.body
                    .contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;'")
                    || page
                        .body
                        .contains("&lt;script&gt;alert(1)&lt;/script&gt;\"'"),
                "{path} shows the text"
            );
        }
    }
    // History "as of": before the ticket existed, now, and a bad time.
    let history = format!("/console/tickets/{number}/history");
    let before = app
        .get(
            Some(&supervisor),
            &format!("{history}?as_of=2000-01-01T00:00"),
        )
        .await;
    assert!(
        before
            .body
            .contains("この時点では、まだ受け付けていません。")
    );
    let now =
        time::OffsetDateTime::now_utc().to_offset(domain::values::JST) + time::Duration::minutes(1);
    let at = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute()
    );
    let then = app
        .get(Some(&supervisor), &format!("{history}?as_of={at}"))
        .await;
    assert!(
        then.body.contains("id=\"as-of\"") && then.body.contains("status-new"),
        "{}",
        then.body
    );
    let bad = app
        .get(Some(&supervisor), &format!("{history}?as_of=yesterday"))
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(
        bad.body
            .contains("2026-11-28T14:05 の形式で指定してください")
    );
}

async fn accounts_lock_disable_and_reset(db: Db) {
    let app = TestApp::start(db.clone()).await;
    // Five wrong passwords lock the account, even for the right one.
    for _ in 0..4 {
        assert_eq!(
            app.try_login("agent2", "wrong password!!").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.try_login("agent2", "wrong password!!").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let locked = app.try_login("agent2", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("一時的にロック"));

    // An admin disables agent1: their open session ends, and login is refused.
    let admin = app.login("admin1").await;
    let agent = app.login("agent1").await;
    let agent_id = employees::find_by_login(&db, "agent1")
        .await
        .expect("reads")
        .expect("exists")
        .id;
    let disabled = app
        .post(
            Some(&admin),
            &format!("/console/admin/employees/{agent_id}/active"),
            &[("active", "false")],
        )
        .await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(Some(&agent), "/console/tickets").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.try_login("agent1", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Nobody can disable, delete or reset themselves.
    let admin_id = employees::find_by_login(&db, "admin1")
        .await
        .expect("reads")
        .expect("exists")
        .id;
    for action in ["active", "delete", "reset-password"] {
        let own = app
            .post(
                Some(&admin),
                &format!("/console/admin/employees/{admin_id}/{action}"),
                &[("active", "false")],
            )
            .await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        assert!(own.body.contains("ご自身のアカウントは変更できません。"));
    }

    // A reset gives a temporary password that must be changed first.
    let super_id = employees::find_by_login(&db, "super1")
        .await
        .expect("reads")
        .expect("exists")
        .id;
    let reset = app
        .post(
            Some(&admin),
            &format!("/console/admin/employees/{super_id}/reset-password"),
            &[],
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    let temporary = between(&reset.body, "仮パスワード: ", " (")
        .expect("shown once")
        .to_owned();
    assert_eq!(
        app.try_login("super1", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let first = app.try_login("super1", &temporary).await;
    assert_eq!(first.location.as_deref(), Some("/console/password"));
    let cookie = first.headers["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("cookie")
        .to_owned();
    let partial = Browser {
        cookie,
        csrf: String::new(),
    };
    let elsewhere = app.get(Some(&partial), "/console/tickets").await;
    assert_eq!(elsewhere.location.as_deref(), Some("/console/password"));
    let form = app.get(Some(&partial), "/console/password").await;
    let csrf = between(&form.body, "name=\"csrf-token\" content=\"", "\"")
        .expect("csrf")
        .to_owned();
    let partial = Browser { csrf, ..partial };
    let changed = app
        .post(
            Some(&partial),
            "/console/password",
            &[
                ("current_password", &temporary),
                ("new_password", "a brand new passphrase"),
                ("new_password_confirm", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    // The session id changes with the password; the browser takes the new one.
    let renewed = changed.headers["set-cookie"]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("cookie")
        .to_owned();
    assert_eq!(
        app.get(Some(&partial), "/console/tickets").await.status,
        StatusCode::SEE_OTHER
    );
    let renewed = Browser {
        cookie: renewed,
        ..partial
    };
    assert_eq!(
        app.get(Some(&renewed), "/console/tickets").await.status,
        StatusCode::OK
    );
}

async fn admin_refuses_deleting_what_tickets_use(db: Db) {
    let app = TestApp::start(db.clone()).await;
    let number = app.inquiry("カテゴリ使用中", "本文").await;
    let admin = app.login("admin1").await;
    let agent = app.login("agent2").await;
    let page = app
        .get(Some(&agent), &format!("/console/tickets/{number}"))
        .await;
    let version = version_of(&page);
    let assigned = app
        .post(
            Some(&agent),
            &format!("/console/tickets/{number}/assignee"),
            &[("version", &version), ("assignee_id", "me")],
        )
        .await;
    let landed = app
        .get(
            Some(&agent),
            assigned.location.as_deref().expect("redirect"),
        )
        .await;
    assert_eq!(landed.status, StatusCode::OK);
    let agent_id = employees::find_by_login(&db, "agent2")
        .await
        .expect("reads")
        .expect("exists")
        .id;
    let refused = app
        .post(
            Some(&admin),
            &format!("/console/admin/employees/{agent_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("削除できません"));
    let in_use = app
        .post(Some(&admin), "/console/admin/categories/1/delete", &[])
        .await;
    assert_eq!(in_use.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An unused category can go; a disabled one leaves the contact form.
    let unused = app
        .post(Some(&admin), "/console/admin/categories/6/delete", &[])
        .await;
    assert_eq!(unused.status, StatusCode::SEE_OTHER);
    let off = app
        .post(
            Some(&admin),
            "/console/admin/categories/5/active",
            &[("active", "false")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    let form = app.get(None, "/contact").await;
    assert!(!form.body.contains("会員情報") && !form.body.contains("その他"));
    assert!(form.body.contains("配送について"));
    // A new employee, and the login ID cannot be taken twice.
    let fields = [
        ("login_id", "yamamoto"),
        ("display_name", "山本 さくら"),
        ("role", "agent"),
        ("password", "initial password 1"),
    ];
    assert_eq!(
        app.post(Some(&admin), "/console/admin/employees", &fields)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let again = app
        .post(Some(&admin), "/console/admin/employees", &fields)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again
            .body
            .contains("そのログインIDはすでに使われています。")
    );
}

async fn admin_erases_a_customer_from_the_console(db: Db) {
    const ERASE: &str = "/console/admin/customers/erase";
    let app = TestApp::start(db).await;
    let number = app
        .inquiry("返金の相談", "山田と申します。返金をお願いします。")
        .await;
    let admin = app.login("admin1").await;
    let form = app.get(Some(&admin), ERASE).await;
    assert!(form.body.contains("この操作は元に戻せません。"));
    // Every missing or bad field is named, in Japanese, and nothing is written.
    let before = app.event_count().await;
    let refused = app
        .post(
            Some(&admin),
            ERASE,
            &[("email", "taro-at-example"), ("reason", "whim")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "メールアドレスの形式が正しくありません。",
        "削除の理由を選択してください。",
        "元に戻せないことを確認してください。",
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    assert_eq!(app.event_count().await, before);

    let fields = [
        ("email", "taro@example.jp"),
        ("reason", "customer_request"),
        ("confirm", "yes"),
    ];
    let done = app.post(Some(&admin), ERASE, &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let flashed = app.get(Some(&admin), ERASE).await;
    assert!(
        flashed
            .body
            .contains("お客様の個人情報を削除しました(お問い合わせ 1 件"),
        "{}",
        flashed.body
    );
    let head = app.event_count().await;
    read_api::consistency::wait_for(&app.db, projections::tickets::NAME, Some(head))
        .await
        .expect("projection catches up");
    let detail = app
        .get(Some(&admin), &format!("/console/tickets/{number}"))
        .await;
    assert!(detail.body.contains("削除済み"));
    assert!(!detail.body.contains("山田") && !detail.body.contains("taro@example.jp"));
    let history = app
        .get(Some(&admin), &format!("/console/tickets/{number}/history"))
        .await;
    assert!(history.body.contains("個人情報の削除"));
    assert!(history.body.contains("ご本人からの削除依頼"));
    assert!(
        history.body.contains("田中 健"),
        "the admin who erased is named"
    );
    // A second request finds nothing left to erase.
    app.post(Some(&admin), ERASE, &fields).await;
    let again = app.get(Some(&admin), ERASE).await;
    assert!(again.body.contains("保存されていません"));
    assert_eq!(app.event_count().await, head);
}

async fn supervisors_manage_triage_rules_in_the_console(db: Db) {
    const RULES: &str = "/console/triage-rules";
    let app = TestApp::start(db.clone()).await;
    let supervisor = app.login("super1").await;
    let list = app.get(Some(&supervisor), RULES).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("消費者センター"),
        "the default rules are listed"
    );
    // A rule with no condition at all, and a bad window: each field says why.
    let refused = app
        .post(
            Some(&supervisor),
            RULES,
            &[
                ("name", ""),
                ("priority", "urgent"),
                ("repeat_within_days", "400"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "ルール名は1〜100文字で入力してください。",
        "再問い合わせの日数は1〜365の整数で入力してください。",
    ] {
        assert!(refused.body.contains(message), "{message}");
    }
    let created = app
        .post(
            Some(&supervisor),
            RULES,
            &[
                ("name", "ふわふわケトルの不具合"),
                ("keywords", "ふわふわケトル\n湯沸かし不良"),
                ("priority", "urgent"),
                ("tag", "kettle"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let rule_id: i64 = command_api::on_pool!(&db, pool => sqlx::query_scalar("SELECT id FROM triage_rules WHERE name = 'ふわふわケトルの不具合'").fetch_one(pool).await)
        .expect("stored");
    let listed = app.get(Some(&supervisor), RULES).await;
    assert!(listed.body.contains("ルールを追加しました。"));
    assert!(listed.body.contains("ふわふわケトルの不具合"));
    // Edited: made a repeat-contact rule and switched off (the box unticked).
    let edit = format!("{RULES}/{rule_id}");
    let form = app.get(Some(&supervisor), &edit).await;
    assert!(
        form.body.contains("湯沸かし不良"),
        "the edit form is filled in"
    );
    let saved = app
        .post(
            Some(&supervisor),
            &edit,
            &[
                ("name", "ふわふわケトルの不具合"),
                ("keywords", ""),
                ("priority", "high"),
                ("repeat_within_days", "14"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let stored: (String, bool, i64) = command_api::on_pool!(&db, pool => sqlx::query_as("SELECT priority, active, CAST(repeat_within_days AS SIGNED) FROM triage_rules WHERE id = ?").bind(rule_id).fetch_one(pool).await)
        .expect("stored");
    assert_eq!(stored, ("high".into(), false, 14));
    let listed = app.get(Some(&supervisor), RULES).await;
    assert!(listed.body.contains("14日以内の再問い合わせ"));
    assert_eq!(
        app.get(Some(&supervisor), &format!("{RULES}/999999"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn admins_set_sla_targets_and_due_times_follow(db: Db) {
    const SLA: &str = "/console/admin/sla";
    let app = TestApp::start(db.clone()).await;
    let number = app.inquiry("サイズ交換", "Lサイズに交換したいです。").await;
    let admin = app.login("admin1").await;
    let due = |body: &str| {
        between(body, "data-label=\"初回回答期限\">", "</td>")
            .expect("due column")
            .to_owned()
    };
    let before = due(&app.get(Some(&admin), "/console/tickets").await.body);
    let form = app.get(Some(&admin), SLA).await;
    assert!(
        form.body.contains("value=\"540\""),
        "medium starts at one business day"
    );
    let mut fields: Vec<(String, String)> = ["urgent", "high", "medium", "low"]
        .iter()
        .flat_map(|p| {
            [
                (format!("first_response_{p}"), "60".to_owned()),
                (format!("resolution_{p}"), "600".to_owned()),
            ]
        })
        .collect();
    // Not a number, and a resolution sooner than the first answer.
    fields[4].1 = "abc".into();
    fields[3].1 = "30".into();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = app.post(Some(&admin), SLA, &pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("1〜54000の整数(営業時間の分)で入力してください。")
    );
    assert!(
        refused
            .body
            .contains("解決の目標は初回回答の目標以上にしてください。")
    );
    fields[4].1 = "30".into();
    fields[3].1 = "600".into();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = app.post(Some(&admin), SLA, &pairs).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let policy = command_api::sla_policies::load(&db).await.expect("loads");
    assert_eq!(policy.targets(domain::Priority::Medium).first_response, 30);
    // The list shows the new due time at once, no restart.
    let after = due(&app.get(Some(&admin), "/console/tickets").await.body);
    assert_ne!(before, after, "{number}: the due time follows the policy");
    let dashboard = app.get(Some(&admin), "/console/dashboard").await;
    assert!(dashboard.body.contains("SLA超過中 (初回回答)"));
}

async fn phone_inquiries_and_presence(db: Db) {
    let app = TestApp::start(db).await;
    let agent = app.login("agent1").await;
    let other = app.login("agent2").await;
    let missing = app
        .post(
            Some(&agent),
            "/console/phone",
            &[("channel", "phone"), ("subject", "電話")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("value=\"電話\""), "typed values kept");
    let created = app
        .post(
            Some(&agent),
            "/console/phone",
            &[
                ("channel", "phone"),
                ("category_id", "2"),
                ("customer_name", "電話 花子"),
                ("customer_email", ""),
                ("subject", "返品したい"),
                ("body", "サイズが合わないため返品希望。"),
                ("assignee", "me"),
                ("status", "in_progress"),
                ("priority", "high"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.location.expect("redirect");
    let page = app.get(Some(&agent), &location).await;
    assert!(
        page.body.contains("返品したい")
            && page.body.contains("status-in_progress")
            && page.body.contains("priority-high")
    );
    let number = between(&location, "/console/tickets/", "?")
        .expect("number")
        .to_owned();

    // Presence: the second agent sees the first one writing a reply.
    let report = app
        .post(
            Some(&agent),
            &format!("/console/tickets/{number}/presence"),
            &[("replying", "true")],
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let seen = app
        .post(
            Some(&other),
            &format!("/console/tickets/{number}/presence"),
            &[("replying", "false")],
        )
        .await;
    let seen: Value = serde_json::from_str(&seen.body).expect("json");
    assert_eq!(
        seen["others"],
        json!([{ "name": "佐藤 花子", "replying": true }])
    );
    assert!(seen["version"].as_i64().is_some());
    let detail = app
        .get(Some(&other), &format!("/console/tickets/{number}"))
        .await;
    assert!(detail.body.contains("佐藤 花子さんが返信を作成中"));
}

command_api::contract_tests!(
    login_sessions_and_logout,
    sessions_end_after_thirty_idle_minutes,
    authorization_matrix,
    cross_site_posts_are_refused,
    actions_conflicts_and_read_your_writes,
    customer_text_is_escaped_everywhere,
    accounts_lock_disable_and_reset,
    admin_refuses_deleting_what_tickets_use,
    admin_erases_a_customer_from_the_console,
    supervisors_manage_triage_rules_in_the_console,
    admins_set_sla_targets_and_due_times_follow,
    phone_inquiries_and_presence,
);
