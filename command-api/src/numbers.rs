//! Allocating inquiry numbers: a per-day sequence in Asia/Tokyo.

use domain::values::InquiryNumber;
use time::OffsetDateTime;
use tracing::instrument;

use crate::db::Db;

/// Takes the next number of the JST day `received_at` falls on.
///
/// One autocommitted statement, so the hot per-day row is locked only for that
/// statement and not for the whole append. A failed append after allocation
/// leaves a gap in the day's numbers; numbers are unique, not dense.
#[instrument(name = "numbers.allocate", skip(db))]
pub async fn allocate(db: &Db, received_at: OffsetDateTime) -> Result<InquiryNumber, sqlx::Error> {
    let date = InquiryNumber::day_of(received_at);
    let day = InquiryNumber::day_key(date);
    let sequence: i64 = match db {
        Db::MySql(pool) => {
            let result = sqlx::query(
                "INSERT INTO inquiry_sequences (day, last_sequence) VALUES (?, LAST_INSERT_ID(1)) \
                 ON DUPLICATE KEY UPDATE last_sequence = LAST_INSERT_ID(last_sequence + 1)",
            )
            .bind(&day)
            .execute(pool)
            .await?;
            i64::try_from(result.last_insert_id()).map_err(|e| sqlx::Error::Decode(Box::new(e)))?
        }
        Db::Sqlite(pool) => {
            sqlx::query_scalar(
                "INSERT INTO inquiry_sequences (day, last_sequence) VALUES (?, 1) \
                 ON CONFLICT (day) DO UPDATE SET last_sequence = last_sequence + 1 RETURNING last_sequence",
            )
            .bind(&day)
            .fetch_one(pool)
            .await?
        }
    };
    let sequence = u32::try_from(sequence).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    InquiryNumber::new(date, sequence).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
