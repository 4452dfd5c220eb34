-- The agent console: login sessions, account lockout, canned replies and who
-- is looking at which ticket.

-- Sessions in the layout of tower-sessions' sqlx store. Session ids are
-- random base64, so they are compared byte for byte (ascii_bin): a
-- case-insensitive match would let two ids share a session.
CREATE TABLE console_sessions (
    id CHAR(22) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    data BLOB NOT NULL,
    expiry_date TIMESTAMP(6) NOT NULL,
    KEY console_sessions_expiry (expiry_date)
) ENGINE = InnoDB;

-- Repeated wrong passwords lock an account for a while (microseconds, UTC).
ALTER TABLE employees
    ADD COLUMN failed_logins INT NOT NULL DEFAULT 0,
    ADD COLUMN locked_until BIGINT NULL;

-- 定型文: replies supervisors curate so every agent answers like the best
-- one. Placeholders such as {お客様名} and {受付番号} are filled per ticket.
CREATE TABLE canned_replies (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title VARCHAR(100) NOT NULL,
    body TEXT NOT NULL,
    display_order INT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE KEY canned_replies_title (title)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

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
    inquiry_number VARCHAR(32) NOT NULL,
    employee_id BIGINT NOT NULL,
    replying BOOLEAN NOT NULL DEFAULT FALSE,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (inquiry_number, employee_id),
    KEY console_presence_seen (seen_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
