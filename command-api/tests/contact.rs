//! The public contact form over HTTP, on both backends.

use std::net::SocketAddr;

use axum::Router;
use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::event_store::EventStore;
use command_api::http::contact::{ContactSettings, Limits, RateLimit, page_router};
use command_api::http::{AppState, router, with_standard_layers};
use reqwest::StatusCode;

struct Form {
    base: String,
    client: reqwest::Client,
    store: EventStore,
}

impl Form {
    async fn start(db: Db, limits: Limits) -> Self {
        let store = EventStore::new(db.clone());
        let contact = ContactSettings {
            limit: RateLimit::new(limits),
            trust_forwarded: false,
        };
        let state = AppState::new(db, TicketService::new(store.clone())).with_contact(contact);
        let app: Router = with_standard_layers(
            Router::new()
                .merge(router())
                .merge(page_router())
                .with_state(state),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
        });
        Self {
            base,
            client: reqwest::Client::new(),
            store,
        }
    }

    async fn token(&self) -> String {
        let page = self
            .client
            .get(format!("{}/contact", self.base))
            .send()
            .await
            .expect("sends")
            .text()
            .await
            .expect("text");
        let start = page
            .find("name=\"form_token\" value=\"")
            .expect("has a token")
            + "name=\"form_token\" value=\"".len();
        page[start..start + 36].to_owned()
    }

    async fn post(&self, fields: &[(&str, &str)]) -> (StatusCode, String) {
        let response = self
            .client
            .post(format!("{}/contact", self.base))
            .form(fields)
            .send()
            .await
            .expect("sends");
        (response.status(), response.text().await.expect("text"))
    }
}

fn filled<'a>(token: &'a str, subject: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form_token", token),
        ("category_id", "1"),
        ("order_number", ""),
        ("subject", subject),
        ("body", "11月20日に注文した商品がまだ届きません。"),
        ("customer_name", "山田 太郎"),
        ("customer_email", "taro@example.jp"),
        ("website", ""),
    ]
}

fn number_in(page: &str) -> Option<String> {
    let start = page.find("INQ-")?;
    Some(
        page[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect(),
    )
}

async fn the_form_shows_in_japanese_with_active_categories_and_safe_headers(db: Db) {
    let form = Form::start(db, Limits::default()).await;
    let response = form
        .client
        .get(format!("{}/contact", form.base))
        .send()
        .await
        .expect("sends");
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let page = response.text().await.expect("text");
    for text in [
        "お問い合わせ",
        "カテゴリ",
        "注文番号",
        "件名",
        "お問い合わせ内容",
        "お名前",
        "メールアドレス",
        "配送について",
        "name=\"website\"",
    ] {
        assert!(page.contains(text), "missing {text}");
    }
    assert!(!page.contains("<script"), "no script at all");
}

async fn a_submission_opens_one_ticket_even_when_sent_twice(db: Db) {
    let form = Form::start(db, Limits::default()).await;
    let token = form.token().await;
    let (status, page) = form.post(&filled(&token, "商品が届きません")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let number = number_in(&page).expect("shows the 受付番号");
    assert!(page.contains("受付番号") && page.contains("受付確認メール"));
    let head = form.store.head_position().await.expect("reads");
    let (status, again) = form.post(&filled(&token, "商品が届きません")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(number_in(&again), Some(number), "the same 受付番号 again");
    assert_eq!(
        form.store.head_position().await.expect("reads"),
        head,
        "no second ticket"
    );
    let (status, edited) = form.post(&filled(&token, "件名を変えました")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(edited.contains("すでに送信済み"));
}

async fn errors_come_back_in_japanese_next_to_the_fields_with_the_input_kept(db: Db) {
    let form = Form::start(db, Limits::default()).await;
    let token = form.token().await;
    let mut fields = filled(&token, "<script>alert(\"x\")</script>");
    fields.retain(|(k, _)| *k != "customer_email");
    fields.push(("customer_email", "not-an-address"));
    let long = "あ".repeat(201);
    fields.retain(|(k, _)| *k != "subject");
    fields.push(("subject", &long));
    let (status, page) = form.post(&fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("メールアドレスの形式が正しくありません。"));
    assert!(page.contains("200文字以内で入力してください。"));
    assert!(
        page.contains("value=\"not-an-address\""),
        "what was typed is kept"
    );
    assert!(page.contains("山田 太郎"));
    assert_eq!(form.store.head_position().await.expect("reads"), 0);

    let (_, escaped) = form
        .post(&filled(&token, "<script>alert(\"x\")</script>"))
        .await;
    assert!(
        !escaped.contains("<script>alert"),
        "the subject is never echoed as markup"
    );
}

async fn bots_are_turned_away_without_a_ticket(db: Db) {
    let form = Form::start(
        db,
        Limits {
            per_hour: 2,
            per_day: 240,
        },
    )
    .await;
    let token = form.token().await;
    let mut bot = filled(&token, "スパム");
    bot.retain(|(k, _)| *k != "website");
    bot.push(("website", "http://spam.example"));
    let (status, page) = form.post(&bot).await;
    assert_eq!(status, StatusCode::OK, "the bot sees success");
    assert!(number_in(&page).is_none());
    assert_eq!(
        form.store.head_position().await.expect("reads"),
        0,
        "but nothing was opened"
    );

    let cross = form
        .client
        .post(format!("{}/contact", form.base))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&filled(&token, "x"))
        .send()
        .await
        .expect("sends");
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);

    let second = form.token().await;
    let (status, _) = form.post(&filled(&second, "二通目")).await;
    assert_eq!(status, StatusCode::OK);
    let third = form.token().await;
    let (status, page) = form.post(&filled(&third, "三通目")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("しばらくお待ちください"));
}

command_api::contract_tests!(
    the_form_shows_in_japanese_with_active_categories_and_safe_headers,
    a_submission_opens_one_ticket_even_when_sent_twice,
    errors_come_back_in_japanese_next_to_the_fields_with_the_input_kept,
    bots_are_turned_away_without_a_ticket,
);
