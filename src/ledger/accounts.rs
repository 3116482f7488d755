//! Accounts of `huizong serve` (the statistician, the admin, and one per township) and the
//! server's lines of the event log. Part of the ledger, so the only code that knows SQL; it
//! stores argon2 hashes handed to it and never sees a secret (the server hashes and verifies).

use rusqlite::{params, OptionalExtension};

use super::{Ledger, LedgerError};

/// Migration 2: the accounts table.
pub(super) const MIGRATION: &str = "CREATE TABLE accounts (
        name TEXT PRIMARY KEY,
        township TEXT,
        hash TEXT NOT NULL,
        issued_at TEXT NOT NULL
    );";

/// An account: the admin has no township.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub name: String,
    pub township: Option<String>,
    /// The argon2 hash of its secret (PHC string).
    pub hash: String,
}

impl Ledger {
    /// Issues (or re-issues, replacing the old hash) the account `name`; logged.
    pub fn set_account(&mut self, a: &Account) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO accounts (name, township, hash, issued_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET township = ?2, hash = ?3, issued_at = ?4",
            params![a.name, a.township, a.hash, super::now()],
        )?;
        super::log(&tx, "account", &a.name)?;
        tx.commit()?;
        Ok(())
    }

    pub fn account(&self, name: &str) -> Result<Option<Account>, LedgerError> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, township, hash FROM accounts WHERE name = ?1",
                params![name],
                |r| {
                    Ok(Account {
                        name: r.get(0)?,
                        township: r.get(1)?,
                        hash: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Appends one line to the event log (a login, an upload, a refusal).
    pub fn log_event(&mut self, kind: &str, detail: &str) -> Result<(), LedgerError> {
        let tx = self.conn.transaction()?;
        super::log(&tx, kind, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The id of the newest event (0 for none): the board changes when it does.
    pub fn last_event_id(&self) -> Result<i64, LedgerError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_issued_replaced_and_logged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut l = Ledger::open(&dir.path().join("l.sqlite")).expect("open");
        assert_eq!(l.account("admin").expect("read"), None);
        let before = l.last_event_id().expect("id");
        let mut a = Account {
            name: "青石镇".into(),
            township: Some("青石镇".into()),
            hash: "h1".into(),
        };
        l.set_account(&a).expect("set");
        a.hash = "h2".into();
        l.set_account(&a).expect("again");
        assert_eq!(l.account("青石镇").expect("read"), Some(a));
        assert_eq!(l.last_event_id().expect("id"), before + 2);
        l.log_event("login", "青石镇").expect("log");
        assert_eq!(l.last_event_id().expect("id"), before + 3);
    }
}
