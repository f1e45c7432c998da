//! The times the commands take: an RFC 3339 time, or a date read in a zone.

use anyhow::{anyhow, Result};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// An RFC 3339 time, or a date meaning its midnight in `zone` (the first instant of the day
/// when midnight falls in a DST gap).
pub fn parse_when(s: &str, zone: Tz) -> Result<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| anyhow!("{s:?} is not a date (YYYY-MM-DD) or an RFC 3339 time"))?;
    let midnight = d.and_hms_opt(0, 0, 0).expect("midnight");
    Ok(chronos_core::recurrence::Zone::Iana(zone).instant(midnight))
}
