//! The zone a front end displays and windows in when the user named none: the system's.

use chrono_tz::Tz;

/// The system's zone: `TZ` when it names an IANA zone, else the system setting, else UTC.
/// `TZ` comes first because `iana-time-zone` reads only `/etc/localtime` on Linux, while people
/// (and scripts, and tests) set `TZ` to run one program in another zone.
pub fn system_zone() -> Tz {
    if let Some(zone) = std::env::var("TZ")
        .ok()
        .as_deref()
        .and_then(zone_from_tz_value)
    {
        return zone;
    }
    match iana_time_zone::get_timezone().map(|name| name.parse::<Tz>()) {
        Ok(Ok(zone)) => zone,
        _ => {
            tracing::warn!("the system time zone is unknown; using UTC");
            Tz::UTC
        }
    }
}

/// The IANA zone a `TZ` value names: `Europe/Berlin`, `:Europe/Berlin`, or a path into a
/// zoneinfo directory. An empty value is UTC (as POSIX reads it); a POSIX rule such as
/// `CET-1CEST` names no IANA zone and gives `None`.
pub fn zone_from_tz_value(value: &str) -> Option<Tz> {
    let value = value.trim();
    let value = value.strip_prefix(':').unwrap_or(value);
    if value.is_empty() {
        return Some(Tz::UTC);
    }
    let name = value
        .rsplit_once("zoneinfo/")
        .map_or(value, |(_, name)| name);
    name.parse().ok()
}

/// A zone the user typed (`--zone`), with an error that says what is expected.
pub fn parse_zone(name: &str) -> crate::Result<Tz> {
    name.trim().parse().map_err(|_| {
        crate::Error::InvalidInput(format!(
            "{name:?} is not an IANA time zone (such as Europe/Berlin)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_values_name_iana_zones() {
        assert_eq!(
            zone_from_tz_value("Pacific/Kiritimati"),
            Some(chrono_tz::Pacific::Kiritimati)
        );
        assert_eq!(
            zone_from_tz_value(":Europe/Berlin"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(
            zone_from_tz_value("/usr/share/zoneinfo/America/New_York"),
            Some(chrono_tz::America::New_York)
        );
        assert_eq!(zone_from_tz_value(""), Some(Tz::UTC));
        assert_eq!(zone_from_tz_value("CET-1CEST"), None);
        assert!(parse_zone("Mars/Olympus")
            .unwrap_err()
            .to_string()
            .contains("IANA"));
    }
}
