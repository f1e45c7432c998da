//! The locale's order for numeric dates (03/04 is 4 March in London, 3 April in New York).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DateOrder {
    /// 03/04/2027 is 4 March (C, POSIX, en_US).
    MonthFirst,
    /// 03/04/2027 is 3 April (en_GB, de, fr and most of the world).
    DayFirst,
    /// 2027/03/04; a short 03/04 reads month-first, as these locales write it (ja, zh, ko, …).
    YearFirst,
}

/// The order of a locale name such as `en_GB.UTF-8`, `de_DE@euro`, `C` or `POSIX`.
pub fn date_order_for_locale(locale: &str) -> DateOrder {
    let name = locale.split(['.', '@']).next().unwrap_or_default().trim();
    if name.is_empty() || name == "C" || name == "POSIX" {
        return DateOrder::MonthFirst;
    }
    let mut parts = name.split(['_', '-']);
    let lang = parts.next().unwrap_or_default().to_ascii_lowercase();
    let region = parts.next().unwrap_or_default().to_ascii_uppercase();
    match (lang.as_str(), region.as_str()) {
        ("en", "US" | "PH" | "" | "AS" | "GU" | "MP" | "PR" | "UM" | "VI") => DateOrder::MonthFirst,
        ("en", "CA") | ("fr", "CA") => DateOrder::YearFirst,
        ("zh" | "ja" | "ko" | "hu" | "lt" | "mn" | "sv", _) => DateOrder::YearFirst,
        _ => DateOrder::DayFirst,
    }
}

/// The locale that decides date formats, as POSIX looks it up: `LC_ALL`, then `LC_TIME`, then
/// `LANG`, the first that is set and not empty; `C` when none is. `var` reads the environment
/// (a front end passes `std::env::var`).
pub fn time_locale(var: impl Fn(&str) -> Option<String>) -> String {
    ["LC_ALL", "LC_TIME", "LANG"]
        .iter()
        .filter_map(|k| var(k))
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "C".to_owned())
}

/// The numeric date order of this process's locale.
pub fn system_date_order() -> DateOrder {
    date_order_for_locale(&time_locale(|k| std::env::var(k).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_map_to_their_order() {
        for (l, o) in [
            ("C", DateOrder::MonthFirst),
            ("POSIX", DateOrder::MonthFirst),
            ("C.UTF-8", DateOrder::MonthFirst),
            ("en_US.UTF-8", DateOrder::MonthFirst),
            ("en_GB.UTF-8", DateOrder::DayFirst),
            ("de_DE@euro", DateOrder::DayFirst),
            ("de_AT.UTF-8", DateOrder::DayFirst),
            ("fr_FR", DateOrder::DayFirst),
            ("ja_JP.UTF-8", DateOrder::YearFirst),
            ("", DateOrder::MonthFirst),
        ] {
            assert_eq!(date_order_for_locale(l), o, "{l}");
        }
    }

    #[test]
    fn lc_all_beats_lc_time_beats_lang() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            time_locale(env(&[("LANG", "en_US.UTF-8"), ("LC_TIME", "de_DE.UTF-8")])),
            "de_DE.UTF-8"
        );
        assert_eq!(
            time_locale(env(&[("LC_ALL", "fr_FR"), ("LC_TIME", "de_DE.UTF-8")])),
            "fr_FR"
        );
        assert_eq!(
            time_locale(env(&[("LC_ALL", ""), ("LANG", "en_GB")])),
            "en_GB"
        );
        assert_eq!(time_locale(env(&[])), "C");
    }
}
