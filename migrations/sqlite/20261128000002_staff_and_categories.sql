-- Employees and categories: plain reference tables (see the MariaDB migration).

CREATE TABLE employees (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    login_id TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_expires_at INTEGER NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE categories (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    display_order INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

INSERT INTO categories (name, display_order, active, created_at, updated_at) VALUES
    ('配送について', 1, TRUE, 0, 0),
    ('返品・交換', 2, TRUE, 0, 0),
    ('商品について', 3, TRUE, 0, 0),
    ('注文・支払い', 4, TRUE, 0, 0),
    ('会員情報', 5, TRUE, 0, 0),
    ('その他', 6, TRUE, 0, 0);

CREATE TABLE api_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER NULL
);
