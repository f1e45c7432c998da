//! Google's error answers, parsed and classified in one place.
//!
//! Each failed request is classified exactly once, here, into a [`Disposition`] (what the client
//! does next) and a [`crate::Error`] (what callers see, with a stable kind). Later code reads the
//! kind/status/reason of the error; it never re-derives the decision from raw HTTP.

use crate::error::{Error, ErrorKind};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::time::Duration;

/// `{"error": {...}}` as Google sends it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct GoogleErrorBody {
    pub error: GoogleErrorDetail,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct GoogleErrorDetail {
    #[serde(default)]
    pub code: Option<u16>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub errors: Vec<GoogleErrorItem>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleErrorItem {
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub location_type: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
}

/// What the client does about a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Transient (5xx, 429, rate-limit 403, timeouts, broken connections): back off and retry.
    Retry,
    /// 401: refresh the access token once and retry once.
    RefreshAndRetry,
    /// 410 `fullSyncRequired` / `updatedMinTooLongAgo`: drop the sync token, full sync.
    FullSyncRequired,
    /// 410 `deleted`: the resource is already gone.
    Deleted,
    /// Anything else: give up and report.
    Fail,
}

/// A classified failure: the decision and the error to hand out if it is final.
#[derive(Debug)]
pub struct Failure {
    pub disposition: Disposition,
    pub error: Error,
}

const MAX_MESSAGE_CHARS: usize = 300;

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX_MESSAGE_CHARS).collect();
        t.push('…');
        t
    }
}

/// Classify an HTTP error answer. `body` may be anything (Google JSON, an HTML page from a proxy,
/// nothing); it is never echoed back beyond Google's own short `message`.
pub fn classify_response(status: u16, body: &[u8], retry_after: Option<Duration>) -> Failure {
    let parsed: Option<GoogleErrorBody> = serde_json::from_slice(body).ok();
    let detail = parsed.map(|b| b.error).unwrap_or_default();
    let reasons: Vec<&str> = detail
        .errors
        .iter()
        .filter_map(|e| e.reason.as_deref())
        .collect();
    let has = |r: &str| reasons.contains(&r);

    let (disposition, kind, chosen_reason): (Disposition, ErrorKind, Option<&str>) = match status {
        401 => (Disposition::RefreshAndRetry, ErrorKind::NeedsReauth, None),
        403 if has("rateLimitExceeded") || has("userRateLimitExceeded") => (
            Disposition::Retry,
            ErrorKind::RateLimited,
            reasons
                .iter()
                .copied()
                .find(|r| *r == "rateLimitExceeded" || *r == "userRateLimitExceeded"),
        ),
        403 if has("quotaExceeded") || has("dailyLimitExceeded") => (
            Disposition::Fail,
            ErrorKind::QuotaExceeded,
            reasons
                .iter()
                .copied()
                .find(|r| *r == "quotaExceeded" || *r == "dailyLimitExceeded"),
        ),
        403 => (Disposition::Fail, ErrorKind::Forbidden, None),
        404 => (Disposition::Fail, ErrorKind::NotFound, None),
        408 => (Disposition::Retry, ErrorKind::Timeout, None),
        409 => (Disposition::Fail, ErrorKind::Conflict, None),
        410 if has("fullSyncRequired") || has("updatedMinTooLongAgo") => (
            Disposition::FullSyncRequired,
            ErrorKind::FullSyncRequired,
            reasons
                .iter()
                .copied()
                .find(|r| *r == "fullSyncRequired" || *r == "updatedMinTooLongAgo"),
        ),
        410 if has("deleted") => (Disposition::Deleted, ErrorKind::NotFound, Some("deleted")),
        // A 410 with no known reason on a list call is almost always an expired token.
        410 => (
            Disposition::FullSyncRequired,
            ErrorKind::FullSyncRequired,
            None,
        ),
        412 => (Disposition::Fail, ErrorKind::Conflict, None),
        429 => (Disposition::Retry, ErrorKind::RateLimited, None),
        500..=599 => (Disposition::Retry, ErrorKind::Server, None),
        _ => (Disposition::Fail, ErrorKind::InvalidInput, None),
    };

    let reason = chosen_reason
        .or(reasons.first().copied())
        .map(str::to_owned);
    let message = detail
        .message
        .as_deref()
        .or_else(|| detail.errors.iter().find_map(|e| e.message.as_deref()))
        .map(truncate)
        .unwrap_or_else(|| format!("Google answered HTTP {status}"));
    Failure {
        disposition,
        error: Error::Google {
            kind,
            status,
            reason,
            message,
            retry_after,
        },
    }
}

/// Classify a transport failure (connect, reset, timeout, a body cut short).
pub fn classify_transport(err: &reqwest::Error) -> Failure {
    // Never include the URL: it can carry a sync or page token.
    let what = if err.is_timeout() {
        "the request timed out"
    } else if err.is_connect() {
        "could not connect to the server"
    } else if err.is_body() || err.is_decode() {
        "the response was cut short"
    } else {
        "the connection failed"
    };
    Failure {
        disposition: Disposition::Retry,
        error: Error::Network(what.to_owned()),
    }
}

/// `Retry-After` as delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs.min(1e9)));
        }
    }
    let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// Helpers for code that holds a final error (they read the classification; they do not redo it).
pub fn is_full_sync_required(err: &Error) -> bool {
    err.kind() == ErrorKind::FullSyncRequired
}

/// 410 `deleted`: deleting something already deleted.
pub fn is_deleted(err: &Error) -> bool {
    matches!(err, Error::Google { status: 410, reason: Some(r), .. } if r == "deleted")
}

/// 409: an insert with this id already happened.
pub fn is_duplicate(err: &Error) -> bool {
    matches!(err, Error::Google { status: 409, .. })
}

/// 412: the `If-Match` etag is stale.
pub fn is_precondition_failed(err: &Error) -> bool {
    matches!(err, Error::Google { status: 412, .. })
}

/// 404.
pub fn is_not_found(err: &Error) -> bool {
    matches!(err, Error::Google { status: 404, .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: u16, domain: &str, reason: &str, message: &str) -> Vec<u8> {
        serde_json::json!({"error": {"code": code, "message": message,
            "errors": [{"domain": domain, "reason": reason, "message": message}]}})
        .to_string()
        .into_bytes()
    }

    fn check(status: u16, reason: &str, disposition: Disposition, kind: ErrorKind) {
        let f = classify_response(status, &body(status, "x", reason, "msg"), None);
        assert_eq!(f.disposition, disposition, "{status} {reason}");
        assert_eq!(f.error.kind(), kind, "{status} {reason}");
        match f.error {
            Error::Google {
                status: s,
                reason: r,
                ..
            } => {
                assert_eq!(s, status);
                assert_eq!(r.as_deref(), Some(reason));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn classification_table() {
        use Disposition::*;
        check(500, "backendError", Retry, ErrorKind::Server);
        check(503, "backendError", Retry, ErrorKind::Server);
        check(429, "rateLimitExceeded", Retry, ErrorKind::RateLimited);
        check(403, "rateLimitExceeded", Retry, ErrorKind::RateLimited);
        check(403, "userRateLimitExceeded", Retry, ErrorKind::RateLimited);
        check(403, "quotaExceeded", Fail, ErrorKind::QuotaExceeded);
        check(403, "dailyLimitExceeded", Fail, ErrorKind::QuotaExceeded);
        check(403, "forbiddenForNonOrganizer", Fail, ErrorKind::Forbidden);
        check(401, "authError", RefreshAndRetry, ErrorKind::NeedsReauth);
        check(
            410,
            "fullSyncRequired",
            FullSyncRequired,
            ErrorKind::FullSyncRequired,
        );
        check(
            410,
            "updatedMinTooLongAgo",
            FullSyncRequired,
            ErrorKind::FullSyncRequired,
        );
        check(410, "deleted", Deleted, ErrorKind::NotFound);
        check(412, "conditionNotMet", Fail, ErrorKind::Conflict);
        check(409, "duplicate", Fail, ErrorKind::Conflict);
        check(404, "notFound", Fail, ErrorKind::NotFound);
        check(400, "timeRangeEmpty", Fail, ErrorKind::InvalidInput);
        check(
            400,
            "syncTokenWithRequestRestrictions",
            Fail,
            ErrorKind::InvalidInput,
        );
    }

    #[test]
    fn google_full_sync_body_verbatim() {
        let raw = br#"{"error":{"code":410,"message":"Sync token is no longer valid, a full sync is required.","errors":[{"domain":"calendar","reason":"fullSyncRequired","message":"Sync token is no longer valid, a full sync is required.","locationType":"parameter","location":"syncToken"}]}}"#;
        let f = classify_response(410, raw, None);
        assert_eq!(f.disposition, Disposition::FullSyncRequired);
        assert!(is_full_sync_required(&f.error));
        assert_eq!(
            f.error.to_string(),
            "Sync token is no longer valid, a full sync is required."
        );
    }

    #[test]
    fn rate_limit_reason_found_among_several_and_retry_after_kept() {
        let raw = serde_json::json!({"error": {"code": 403, "message": "m", "errors": [
            {"domain": "global", "reason": "forbidden"},
            {"domain": "usageLimits", "reason": "userRateLimitExceeded"}]}})
        .to_string();
        let f = classify_response(403, raw.as_bytes(), Some(Duration::from_secs(2)));
        assert_eq!(f.disposition, Disposition::Retry);
        match f.error {
            Error::Google {
                reason,
                retry_after,
                ..
            } => {
                assert_eq!(reason.as_deref(), Some("userRateLimitExceeded"));
                assert_eq!(retry_after, Some(Duration::from_secs(2)));
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn garbage_bodies_still_classify_by_status() {
        for raw in [
            &b"<html>bad gateway</html>"[..],
            b"",
            b"{\"error\": 5}",
            b"[[[[[[",
            b"\xff\xfe",
        ] {
            let f = classify_response(502, raw, None);
            assert_eq!(f.disposition, Disposition::Retry);
            assert_eq!(f.error.to_string(), "Google answered HTTP 502");
            let f = classify_response(403, raw, None);
            assert_eq!(f.error.kind(), ErrorKind::Forbidden);
        }
        let deep = "[".repeat(100_000);
        assert_eq!(
            classify_response(400, deep.as_bytes(), None).error.kind(),
            ErrorKind::InvalidInput
        );
    }

    #[test]
    fn helpers_read_the_classification() {
        let del = classify_response(
            410,
            &body(410, "global", "deleted", "Resource has been deleted"),
            None,
        )
        .error;
        assert!(is_deleted(&del) && !is_full_sync_required(&del));
        assert!(is_precondition_failed(
            &classify_response(412, b"", None).error
        ));
        assert!(is_duplicate(&classify_response(409, b"", None).error));
        assert!(is_not_found(&classify_response(404, b"", None).error));
        let long = "x".repeat(5000);
        let e = classify_response(400, &body(400, "g", "invalid", &long), None).error;
        assert!(e.to_string().chars().count() <= MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn retry_after_forms() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-4", now), None);
    }
}
