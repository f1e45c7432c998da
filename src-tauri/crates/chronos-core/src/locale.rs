//! The user's locale for dates and times: its tag (words and order), 12- or 24-hour clock and
//! first day of the week. From the system's (POSIX `LC_ALL`, `LC_TIME`, `LANG`) unless Settings
//! override a part; the C locale keeps its own conventions (24-hour, weeks from Sunday) with
//! English words. The window, and whatever else formats dates for people, ask this one resolver.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ts")]
use ts_rs::TS;

/// 12- or 24-hour times: the locale's own, or one the user picks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum HourCycle {
    #[default]
    Auto,
    H12,
    H24,
}

/// The first day of the week: the locale's own, or one the user picks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "lowercase")]
pub enum WeekStart {
    #[default]
    Auto,
    Sunday,
    Monday,
    Saturday,
}

/// What dates and times are formatted with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "camelCase")]
pub struct ResolvedLocale {
    /// A BCP 47 tag such as "de-DE".
    pub tag: String,
    pub hour12: bool,
    /// 0 = Sunday, 1 = Monday, 6 = Saturday (as FullCalendar and JavaScript count).
    pub first_day: u8,
}

/// The tag used where the system names no locale of its own (the C locale): English words.
pub const FALLBACK_TAG: &str = "en-US";

// Regions whose week starts on Sunday or Saturday (CLDR's weekData); the rest start on Monday.
const SUNDAY_REGIONS: &[&str] = &[
    "AG", "AS", "BD", "BR", "BS", "BT", "BW", "BZ", "CA", "CN", "CO", "DM", "DO", "ET", "GT", "GU",
    "HK", "HN", "ID", "IL", "IN", "JM", "JP", "KE", "KH", "KR", "LA", "MH", "MM", "MO", "MT", "MX",
    "MZ", "NI", "NP", "PA", "PE", "PH", "PK", "PR", "PT", "PY", "SA", "SG", "SV", "TH", "TT", "TW",
    "UM", "US", "VE", "VI", "WS", "YE", "ZA", "ZW",
];
const SATURDAY_REGIONS: &[&str] = &[
    "AE", "AF", "BH", "DJ", "DZ", "EG", "IQ", "IR", "JO", "KW", "LY", "OM", "QA", "SD", "SY",
];
// Regions whose people read a 12-hour clock by default (CLDR's preferred hour cycle "h").
const HOUR12_REGIONS: &[&str] = &[
    "AU", "BD", "CA", "EG", "IN", "JO", "KR", "MY", "NZ", "PH", "PK", "SA", "TW", "US",
];

/// A BCP 47 tag from what a user types ("de_de", "en-gb", "fr"): language, optional script,
/// optional region, normalised in case.
pub fn parse_tag(input: &str) -> Result<String> {
    let bad = || {
        Error::invalid_field(
            "locale",
            format!("\"{input}\" is not a locale such as en-GB or de-DE"),
        )
    };
    let mut parts = input.trim().split(['-', '_']);
    let language = parts.next().filter(|l| (2..=3).contains(&l.len()));
    let language = language
        .filter(|l| l.chars().all(|c| c.is_ascii_alphabetic()))
        .ok_or_else(bad)?;
    let mut tag = language.to_ascii_lowercase();
    for part in parts {
        let alpha = part.chars().all(|c| c.is_ascii_alphabetic());
        match part.len() {
            4 if alpha => {
                tag.push('-');
                tag.push_str(&part[..1].to_ascii_uppercase());
                tag.push_str(&part[1..].to_ascii_lowercase());
            }
            2 if alpha => {
                tag.push('-');
                tag.push_str(&part.to_ascii_uppercase());
            }
            3 if part.chars().all(|c| c.is_ascii_digit()) => {
                tag.push('-');
                tag.push_str(part);
            }
            _ => return Err(bad()),
        }
    }
    Ok(tag)
}

/// The system's locale for times from POSIX variables (`LC_ALL`, then `LC_TIME`, then `LANG`),
/// as a tag; `None` for the C or POSIX locale, nothing set, or what is not a locale name.
pub fn system_locale(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    let value = ["LC_ALL", "LC_TIME", "LANG"]
        .iter()
        .filter_map(|k| env(k))
        .find(|v| !v.trim().is_empty())?;
    // "de_DE.UTF-8@euro": the codeset and modifier are not part of the locale's conventions.
    let name = value.split(['.', '@']).next().unwrap_or_default();
    if name == "C" || name == "POSIX" {
        return None;
    }
    parse_tag(name).ok()
}

fn region(tag: &str) -> Option<&str> {
    tag.split('-')
        .skip(1)
        .find(|p| p.len() == 2 || p.chars().all(|c| c.is_ascii_digit()))
}

/// The region a bare language is most often read in, for the few whose conventions differ.
fn implied_region(tag: &str) -> Option<&'static str> {
    match tag.split('-').next()? {
        "en" => Some("US"),
        "ja" => Some("JP"),
        "ko" => Some("KR"),
        "zh" => Some("CN"),
        "ar" => Some("EG"),
        "he" => Some("IL"),
        "pt" => Some("BR"),
        _ => None,
    }
}

/// The locale dates and times are shown in: the user's tag, hour cycle and week start where
/// set, the system's locale (`system`, from [`system_locale`]) for the rest.
pub fn resolve(
    tag: Option<&str>,
    hour_cycle: HourCycle,
    week_start: WeekStart,
    system: Option<&str>,
) -> ResolvedLocale {
    let picked = tag.and_then(|t| parse_tag(t).ok());
    let own = picked.or_else(|| system.map(str::to_owned));
    let region = own
        .as_deref()
        .and_then(|t| region(t).or_else(|| implied_region(t)));
    // The C locale's own: a 24-hour clock and weeks from Sunday.
    let (locale_hour12, locale_first_day) = match region {
        None if own.is_none() => (false, 0),
        None => (false, 1),
        Some(r) => {
            let first = if SUNDAY_REGIONS.contains(&r) {
                0
            } else if SATURDAY_REGIONS.contains(&r) {
                6
            } else {
                1
            };
            (HOUR12_REGIONS.contains(&r), first)
        }
    };
    ResolvedLocale {
        tag: own.unwrap_or_else(|| FALLBACK_TAG.to_owned()),
        hour12: match hour_cycle {
            HourCycle::Auto => locale_hour12,
            HourCycle::H12 => true,
            HourCycle::H24 => false,
        },
        first_day: match week_start {
            WeekStart::Auto => locale_first_day,
            WeekStart::Sunday => 0,
            WeekStart::Monday => 1,
            WeekStart::Saturday => 6,
        },
    }
}

#[cfg(test)]
mod tests;
