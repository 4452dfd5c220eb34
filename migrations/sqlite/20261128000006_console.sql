-- The agent console: login sessions, account lockout, canned replies and who
-- is looking at which ticket.

-- Sessions in the layout of tower-sessions' sqlx store. Session ids are
-- random base64; SQLite compares text byte for byte.
CREATE TABLE console_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    data BLOB NOT NULL,
    expiry_date INTEGER NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expiry_date);

-- Repeated wrong passwords lock an account for a while (microseconds, UTC).
ALTER TABLE employees ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE employees ADD COLUMN locked_until INTEGER NULL;

-- 定型文: replies supervisors curate so every agent answers like the best
-- one. Placeholders such as {お客様名} and {受付番号} are filled per ticket.
CREATE TABLE canned_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

INSERT INTO canned_replies (title, body, display_order, created_at, updated_at) VALUES
    ('お問い合わせ受付の御礼', '{お客様名} 様

この度はライフスタイルマートにお問い合わせいただき、誠にありがとうございます。
受付番号 {受付番号} にて承りました。

内容を確認のうえ、改めてご連絡いたします。今しばらくお待ちくださいませ。

ライフスタイルマート カスタマーサポート
{担当者名}', 1, 0, 0),
    ('配送状況のご案内', '{お客様名} 様

お問い合わせいただき、ありがとうございます。
ご注文の商品は現在配送中です。配送状況は、会員ページの「注文履歴」からお問い合わせ伝票番号にてご確認いただけます。

到着まで今しばらくお待ちくださいませ。

ライフスタイルマート カスタマーサポート
{担当者名}
(受付番号 {受付番号})', 2, 0, 0),
    ('返品・交換のご案内', '{お客様名} 様

ご不便をおかけし、誠に申し訳ございません。
商品到着後8日以内であれば、返品・交換を承ります。会員ページの「注文履歴」から返品申請をお願いいたします。送料は当社が負担いたします。

ライフスタイルマート カスタマーサポート
{担当者名}
(受付番号 {受付番号})', 3, 0, 0),
    ('返金手続き完了のお知らせ', '{お客様名} 様

返金のお手続きが完了いたしました。ご利用のお支払い方法により、反映まで数日かかる場合がございます。

この度はご迷惑をおかけし、誠に申し訳ございませんでした。

ライフスタイルマート カスタマーサポート
{担当者名}
(受付番号 {受付番号})', 4, 0, 0);

-- Who has a ticket open in the console, refreshed by the page every few
-- seconds. Rows older than a minute mean nobody; they are swept on write.
CREATE TABLE console_presence (
    inquiry_number TEXT NOT NULL,
    employee_id INTEGER NOT NULL,
    replying BOOLEAN NOT NULL DEFAULT FALSE,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (inquiry_number, employee_id)
);
CREATE INDEX console_presence_seen ON console_presence (seen_at);
