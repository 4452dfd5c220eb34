-- Employees and categories are reference data that admins edit in place, so
-- they are plain tables, not event streams; their changes are not part of the
-- ticket audit trail. (docs/event-store.md explains the choice.)

CREATE TABLE employees (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    login_id VARCHAR(64) NOT NULL,
    display_name VARCHAR(100) NOT NULL,
    role VARCHAR(16) NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    password_hash VARCHAR(255) NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    -- A temporary password stops working at this time (microseconds, UTC).
    password_expires_at BIGINT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE KEY employees_login_id (login_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE categories (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    display_order INT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE KEY categories_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO categories (name, display_order, active, created_at, updated_at) VALUES
    ('配送について', 1, TRUE, 0, 0),
    ('返品・交換', 2, TRUE, 0, 0),
    ('商品について', 3, TRUE, 0, 0),
    ('注文・支払い', 4, TRUE, 0, 0),
    ('会員情報', 5, TRUE, 0, 0),
    ('その他', 6, TRUE, 0, 0);

-- Bearer tokens for integrations. Only a SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    token_hash CHAR(64) NOT NULL PRIMARY KEY,
    employee_id BIGINT NOT NULL,
    label VARCHAR(100) NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NULL,
    CONSTRAINT api_tokens_employee FOREIGN KEY (employee_id) REFERENCES employees (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
