//! Conference data: a `conferenceData.createRequest` asks Google for a new Meet link. The answer
//! is `pending`; the link arrives later, here when the control API says so (never on a timer),
//! so tests decide exactly when a client sees it. Also the attachment limit.

use rand::Rng;
use serde_json::{json, Map, Value};

use super::write_opts::WriteOpts;
use super::State;
use crate::error::ApiError;

/// At most this many attachments per event.
pub const MAX_ATTACHMENTS: usize = 25;

const MEET_ICON: &str = "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_Meet_2020q4_color_2x_web_512dp.png";

/// How a pending conference request ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Success,
    Failure,
}

/// Turns a new `createRequest` into a pending conference; a request whose `requestId` the
/// stored event already had is ignored (the stored conference stays), as Google does for
/// retries. Only for requests with `conferenceDataVersion=1` (others keep the stored value,
/// see `WriteOpts`).
pub fn prepare(
    opts: &WriteOpts,
    old: Option<&Map<String, Value>>,
    new: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    if opts.attachments {
        let n = new
            .get("attachments")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if n > MAX_ATTACHMENTS {
            return Err(ApiError::invalid(format!(
                "An event can have at most {MAX_ATTACHMENTS} attachments."
            ))
            .at("field", "attachments"));
        }
    }
    if !opts.conference_data {
        return Ok(());
    }
    let Some(req) = new
        .get("conferenceData")
        .and_then(|c| c.get("createRequest"))
        .cloned()
    else {
        if new.get("conferenceData").is_none() {
            new.remove("hangoutLink");
        }
        return Ok(());
    };
    let request_id = req
        .get("requestId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::required("Missing conference request id.")
                .at("field", "conferenceData.createRequest.requestId")
        })?;
    let kind = req
        .get("conferenceSolutionKey")
        .and_then(|k| k.get("type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind != "hangoutsMeet" {
        return Err(ApiError::invalid("Invalid conference type value.").at(
            "field",
            "conferenceData.createRequest.conferenceSolutionKey.type",
        ));
    }
    let old_conf = old.and_then(|o| o.get("conferenceData"));
    let same_request = old_conf
        .and_then(|c| c.get("createRequest"))
        .and_then(|r| r.get("requestId"))
        .and_then(Value::as_str)
        == Some(request_id);
    if same_request {
        let keep = old_conf.cloned().expect("checked above");
        new.insert("conferenceData".into(), keep);
        if let Some(link) = old.and_then(|o| o.get("hangoutLink")) {
            new.insert("hangoutLink".into(), link.clone());
        }
        return Ok(());
    }
    new.insert(
        "conferenceData".into(),
        json!({"createRequest": {
            "requestId": request_id,
            "conferenceSolutionKey": {"type": "hangoutsMeet"},
            "status": {"statusCode": "pending"},
        }}),
    );
    new.remove("hangoutLink");
    Ok(())
}

/// A Meet code such as `abc-defg-hij`.
fn meet_code(rng: &mut impl Rng) -> String {
    let mut part = |n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
            .collect()
    };
    format!("{}-{}-{}", part(3), part(4), part(3))
}

impl State {
    /// Ends an event's pending conference request: with a Meet link and `hangoutLink`, or as
    /// failed. A write like any other: new etag, a change for sync, notifications.
    pub fn complete_conference(
        &mut self,
        cal_id: &str,
        id: &str,
        outcome: Outcome,
    ) -> Result<Map<String, Value>, ApiError> {
        let old = self.get_event(cal_id, id)?;
        let pending = old
            .get("conferenceData")
            .and_then(|c| c.get("createRequest"))
            .and_then(|r| r.get("status"))
            .and_then(|s| s.get("statusCode"))
            .and_then(Value::as_str)
            == Some("pending");
        if !pending {
            return Err(ApiError::invalid(
                "The event has no pending conference request.",
            ));
        }
        let mut new = old.clone();
        let conf = new
            .get_mut("conferenceData")
            .and_then(Value::as_object_mut)
            .expect("pending implies conferenceData");
        match outcome {
            Outcome::Failure => {
                conf["createRequest"]["status"]["statusCode"] = json!("failure");
            }
            Outcome::Success => {
                let code = meet_code(&mut self.rng);
                let uri = format!("https://meet.google.com/{code}");
                conf["createRequest"]["status"]["statusCode"] = json!("success");
                conf.insert("conferenceId".into(), json!(code));
                conf.insert(
                    "entryPoints".into(),
                    json!([{"entryPointType": "video", "uri": uri, "label": format!("meet.google.com/{code}")}]),
                );
                conf.insert(
                    "conferenceSolution".into(),
                    json!({"key": {"type": "hangoutsMeet"}, "name": "Google Meet", "iconUri": MEET_ICON}),
                );
                new.insert("hangoutLink".into(), json!(uri));
            }
        }
        Ok(self.store_write(cal_id, &old, new))
    }
}
