//! `chronos://` links: `chronos://sync` syncs in the running instance, `chronos://open?date=…`
//! shows that day. A second launch with a link is forwarded here by the single-instance plugin.

use crate::events::{emit, NavigateDate, PendingPage, QuickAddRequested};
use chrono::NaiveDate;
use std::sync::Mutex;
use tauri::{AppHandle, Manager, Runtime};

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

/// What was asked of the page before it listened — a link's day (`navigate://date`), the
/// tray's *Quick add…* (`quickadd://open`): the request that starts or reopens the window
/// arrives while the page is still loading, and an event sent then is lost. The page takes it
/// once its listeners are up; from then on requests are sent as events.
#[derive(Default)]
pub struct PendingOpen(Mutex<PendingOpenState>);

#[derive(Default)]
struct PendingOpenState {
    page_listening: bool,
    date: Option<NaiveDate>,
    quick_add: bool,
}

impl PendingOpen {
    /// Keeps `date` for the page, unless it is listening already (then `false`: send it).
    fn hold(&self, date: NaiveDate) -> bool {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if s.page_listening {
            return false;
        }
        s.date = Some(date);
        true
    }

    /// The page went with its window: links are held again until the next page listens.
    pub fn page_gone(&self) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .page_listening = false;
    }

    /// Keeps a quick-add request for the page, unless it is listening already (`false`: send it).
    fn hold_quick_add(&self) -> bool {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if s.page_listening {
            return false;
        }
        s.quick_add = true;
        true
    }

    /// Called by the page once it listens: what was held, if anything, and no more holding.
    pub fn take(&self) -> Option<PendingPage> {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.page_listening = true;
        let page = PendingPage {
            date: s.date.take(),
            quick_add: std::mem::take(&mut s.quick_add),
        };
        (page.date.is_some() || page.quick_add).then_some(page)
    }
}

/// Shows `date` in the window: at once if the page listens, else when it asks.
fn open_day<R: Runtime>(app: &AppHandle<R>, date: NaiveDate) {
    crate::window::show_main(app);
    let held = app
        .try_state::<PendingOpen>()
        .is_some_and(|pending| pending.hold(date));
    if !held {
        emit(app, &NavigateDate { date });
    }
}

/// The tray's *Quick add…*: the window, with its quick-add field open.
pub fn open_quick_add<R: Runtime>(app: &AppHandle<R>) {
    crate::window::show_main(app);
    let held = app
        .try_state::<PendingOpen>()
        .is_some_and(|pending| pending.hold_quick_add());
    if !held {
        emit(app, &QuickAddRequested {});
    }
}

/// Acts on links delivered by the deep-link plugin (first launch or forwarded second launch).
pub fn handle<R: Runtime>(app: &AppHandle<R>, urls: &[url::Url]) {
    for url in urls {
        match parse(url) {
            Ok(DeepLink::Sync) => {
                tracing::info!("deep link: sync");
                crate::engine::request_sync(app, None, "deep link");
            }
            Ok(DeepLink::Open { date }) => {
                tracing::info!(%date, "deep link: open");
                open_day(app, date);
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
    fn a_day_is_held_until_the_page_listens_then_sent() {
        let day = |d| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();
        let pending = PendingOpen::default();
        assert!(pending.hold(day(13)));
        // A later link before the page is up replaces the earlier one.
        assert!(pending.hold(day(14)));
        assert_eq!(pending.take().and_then(|p| p.date), Some(day(14)));
        // Listening now: nothing more is held, and nothing is left to take.
        assert!(!pending.hold(day(15)));
        assert_eq!(pending.take(), None);
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
