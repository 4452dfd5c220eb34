//! Employee administration from the command line, and the first admin.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use command_api::db::Db;
use command_api::employees::{self, Role};
use rand::Rng;

/// Reads a password: prompted without echo on a terminal, one line from stdin otherwise.
pub fn read_password() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("パスワード: ")?;
        let second = rpassword::prompt_password("パスワード(確認): ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    Ok(password)
}

pub async fn create(db: &Db, login: &str, name: &str, role: Role) -> anyhow::Result<()> {
    let password = read_password()?;
    let id = employees::create(db, login, name, role, &password, false)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("employee {login} created (id {id}, role {role})");
    Ok(())
}

pub async fn create_token(db: &Db, login: &str, label: &str) -> anyhow::Result<()> {
    let employee = employees::find_by_login(db, login)
        .await?
        .with_context(|| format!("no employee with login {login}"))?;
    if !employee.active {
        bail!("employee {login} is disabled");
    }
    let token = employees::issue_token(db, employee.id, label).await?;
    println!("{token}");
    Ok(())
}

/// A random password of letters and digits, for first logins and demos.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// On an empty database, creates `admin` with a one-time password that must
/// be changed at first login, and prints it once to the terminal.
pub async fn ensure_first_admin(db: &Db) -> anyhow::Result<()> {
    if employees::count(db).await? > 0 {
        return Ok(());
    }
    let password = generate_password();
    employees::create(db, "admin", "管理者", Role::Admin, &password, true)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    eprintln!(
        "\n初期管理者を作成しました。ログインID: admin  パスワード: {password}\n(初回ログイン時に変更してください。この表示は一度だけです。)\n"
    );
    Ok(())
}
