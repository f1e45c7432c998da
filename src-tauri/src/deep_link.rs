//! `chronos://` links: `chronos://sync` syncs in the running instance, `chronos://open?date=…`
//! shows that day. A second launch with a link is forwarded here by the single-instance plugin.

use crate::events::{emit, NavigateDate};
use chrono::NaiveDate;
use tauri::{AppHandle, Runtime};

#[derive(Debug, PartialEq, Eq)]
pub enum DeepLink {
    Sync,
    Open { date: NaiveDate },
}

/// Parses a `chronos://` URL. `chronos://sync`, `chronos://sync/`, `chronos:sync` all mean sync.
pub fn parse(url: &url::Url) -> Result<DeepLink, String> {
    if url.scheme() != "chronos" {
        return Err(format!("not a chronos:// link: {}", url.scheme()));
    }
    // For `chronos://sync` the action is the host; for `chronos:sync` it is the path.
    let action = url
        .host_str()
        .unwrap_or_else(|| url.path())
        .trim_matches('/')
        .to_ascii_lowercase();
    match action.as_str() {
        "sync" => Ok(DeepLink::Sync),
        "open" => {
            let date = url
                .query_pairs()
                .find(|(k, _)| k == "date")
                .ok_or("chronos://open needs ?date=YYYY-MM-DD")?
                .1;
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .map_err(|_| format!("not a date (YYYY-MM-DD): {date}"))?;
            Ok(DeepLink::Open { date })
        }
        other => Err(format!("unknown chronos:// action: {other}")),
    }
}

/// Acts on links delivered by the deep-link plugin (first launch or forwarded second launch).
pub fn handle<R: Runtime>(app: &AppHandle<R>, urls: &[url::Url]) {
    for url in urls {
        match parse(url) {
            Ok(DeepLink::Sync) => {
                tracing::info!("deep link: sync");
                crate::sync_hub::request_sync(app, None, "deep link");
            }
            Ok(DeepLink::Open { date }) => {
                tracing::info!(%date, "deep link: open");
                crate::window::show_main(app);
                emit(app, &NavigateDate { date });
            }
            // The URL is the user's own input, not event content, so it may be logged.
            Err(e) => tracing::warn!(%url, error = %e, "ignored a deep link"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<DeepLink, String> {
        parse(&s.parse().unwrap())
    }

    #[test]
    fn parses_the_two_actions() {
        assert_eq!(p("chronos://sync"), Ok(DeepLink::Sync));
        assert_eq!(p("chronos://sync/"), Ok(DeepLink::Sync));
        assert_eq!(p("chronos:sync"), Ok(DeepLink::Sync));
        assert_eq!(
            p("chronos://open?date=2026-03-01"),
            Ok(DeepLink::Open {
                date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
            })
        );
    }

    #[test]
    fn rejects_the_rest() {
        assert!(p("chronos://open").is_err());
        assert!(p("chronos://open?date=2026-02-30").is_err());
        assert!(p("chronos://open?date=tomorrow").is_err());
        assert!(p("chronos://delete-everything").is_err());
        assert!(p("https://sync").is_err());
    }
}
