//! `serve --demo`: sample employees and tickets, created through the same
//! commands the product uses, so the console has something to show.

use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::employees::{self, Role};
use command_api::http::fields::Fields;
use command_api::intake::{self, Start};
use domain::metadata::CommandContext;
use domain::values::NoteBody;
use domain::{Actor, Channel, Priority, Status, TicketCommand};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

const STAFF: [(&str, &str, Role); 10] = [
    ("sato", "佐藤 美咲", Role::Agent),
    ("suzuki", "鈴木 健太", Role::Agent),
    ("takahashi", "高橋 由美", Role::Agent),
    ("tanaka", "田中 翔", Role::Agent),
    ("ito", "伊藤 彩", Role::Agent),
    ("watanabe", "渡辺 大輔", Role::Agent),
    ("yamamoto", "山本 さくら", Role::Agent),
    ("nakamura", "中村 拓也", Role::Agent),
    ("kobayashi", "小林 恵", Role::Supervisor),
    ("kato", "加藤 誠", Role::Admin),
];

const INQUIRIES: [(i64, &str, &str, &str); 8] = [
    (
        1,
        "商品がまだ届きません",
        "11月20日に注文した商品がまだ届いていません。配送状況を教えてください。",
        "山田 太郎",
    ),
    (
        2,
        "サイズ交換をお願いしたいです",
        "購入したニットのサイズが小さかったので、Lサイズへの交換を希望します。",
        "佐々木 花子",
    ),
    (
        3,
        "電気ケトルが故障しました",
        "使用3日目で電源が入らなくなりました。返金か交換をお願いします。",
        "井上 次郎",
    ),
    (
        4,
        "クーポンが使えません",
        "セールのクーポンコードを入力してもエラーになります。",
        "木村 愛",
    ),
    (
        5,
        "登録メールアドレスの変更",
        "会員情報のメールアドレスを変更したいのですが、手順を教えてください。",
        "林 直樹",
    ),
    (
        3,
        "リコール対象かどうか確認したい",
        "ニュースで見たモバイルバッテリーのリコールについて、私の購入品が対象か知りたいです。",
        "清水 由紀",
    ),
    (
        1,
        "配送先を変更したい",
        "注文番号 LM-20261127-5521 の配送先を実家に変更できますか。",
        "森 健一",
    ),
    (
        2,
        "返品の送料について",
        "イメージと違ったため返品したいのですが、送料はかかりますか。",
        "池田 真理",
    ),
];

pub async fn seed(db: &Db, tickets: &TicketService) -> anyhow::Result<()> {
    let password = crate::users::generate_password();
    let mut agent_ids = Vec::new();
    for (login, name, role) in STAFF {
        let id = match employees::find_by_login(db, login).await? {
            Some(existing) => existing.id,
            None => employees::create(db, login, name, role, &password, false)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        };
        if role == Role::Agent {
            agent_ids.push(id);
        }
    }
    for (i, (category, subject, body, name)) in INQUIRIES.iter().enumerate() {
        let request = json!({
            "category_id": category, "subject": subject, "body": body, "customer_name": name,
            "customer_email": format!("customer{}@example.jp", i + 1),
        });
        let map = request.as_object().cloned().unwrap_or_default();
        let mut fields = Fields::new(&map);
        let Some(inquiry) = intake::read_inquiry(db, &mut fields, false).await? else {
            anyhow::bail!("demo inquiry {i} is invalid");
        };
        let start = if i % 3 == 2 {
            Start {
                channel: Channel::Phone,
                priority: Priority::High,
                status: Status::InProgress,
                assignee: agent_ids.get(i % agent_ids.len()).copied(),
            }
        } else {
            Start::form()
        };
        let ctx = CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None);
        let opened = intake::open(db, tickets, inquiry, start, &ctx, None).await?;
        if i % 2 == 0 {
            let agent = agent_ids[i % agent_ids.len()];
            let ctx = CommandContext::new(Actor::Agent(agent), OffsetDateTime::now_utc(), None);
            let note = NoteBody::parse("配送業者に状況を確認中。")?;
            for command in [
                TicketCommand::Assign { to: agent },
                TicketCommand::AddInternalNote {
                    note_id: Uuid::now_v7(),
                    body: note,
                },
            ] {
                tickets
                    .execute(opened.ticket_id, None, command, &ctx, None)
                    .await?;
            }
        }
    }
    let logins: Vec<&str> = STAFF.iter().map(|(login, ..)| *login).collect();
    eprintln!(
        "\nデモデータを作成しました。ログインID: {}\n共通パスワード: {password}\n",
        logins.join(", ")
    );
    Ok(())
}
