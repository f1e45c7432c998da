//! Conference links of an event (`conferenceData`, `hangoutLink`) and asking Google for a new
//! Meet link (`conferenceData.createRequest`).

use crate::model::{CalendarListEntry, EventResource};
use serde_json::{json, Value};

/// The conference solution Google Meet is, in `allowedConferenceSolutionTypes`.
pub const MEET: &str = "hangoutsMeet";

/// What the window shows of an event's conference.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conference {
    /// Where to join by video: only an `https` address is offered.
    pub join_url: Option<String>,
    /// The solution's name as Google gives it ("Google Meet"), or its key type.
    pub solution: Option<String>,
    /// A link was asked for and Google has not made it yet.
    pub pending: bool,
    /// Google could not make the asked-for link.
    pub failed: bool,
}

fn https(uri: &str) -> Option<String> {
    uri.starts_with("https://").then(|| uri.to_owned())
}

/// The conference of `ev`, if it has one (or one is being made).
pub fn conference(ev: &EventResource) -> Option<Conference> {
    let data = ev.extra.get("conferenceData").filter(|v| v.is_object());
    let hangout = ev
        .extra
        .get("hangoutLink")
        .and_then(Value::as_str)
        .and_then(https);
    if data.is_none() && hangout.is_none() {
        return None;
    }
    let video = data
        .and_then(|d| d.get("entryPoints"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("entryPointType").and_then(Value::as_str) == Some("video"))
        .and_then(|p| p.get("uri").and_then(Value::as_str))
        .and_then(https);
    let solution = data
        .and_then(|d| d.get("conferenceSolution"))
        .and_then(|s| {
            s.get("name")
                .and_then(Value::as_str)
                .or_else(|| s.get("key")?.get("type")?.as_str())
        });
    let request = data.and_then(|d| d.get("createRequest"));
    let status = request.map(|r| {
        r.get("status")
            .and_then(|s| s.get("statusCode"))
            .and_then(Value::as_str)
            .unwrap_or("pending")
    });
    let join_url = video.or(hangout);
    Some(Conference {
        pending: status == Some("pending") && join_url.is_none(),
        failed: status == Some("failure"),
        solution: solution.map(str::to_owned).or_else(|| {
            let asked = request?
                .get("conferenceSolutionKey")?
                .get("type")?
                .as_str()?;
            Some(if asked == MEET { "Google Meet" } else { asked }.to_owned())
        }),
        join_url,
    })
}

/// Whether the calendar lets events have a conference of solution type `kind`.
pub fn calendar_allows(entry: &CalendarListEntry, kind: &str) -> bool {
    entry
        .extra
        .get("conferenceProperties")
        .and_then(|p| p.get("allowedConferenceSolutionTypes"))
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t.as_str() == Some(kind)))
}

/// `ev` with a request for a new Meet link under a fresh request id. The id is part of the
/// event, so the outbox entry carries it and a retried write sends the same request (Google
/// then keeps the conference it made the first time). An event that already has conference
/// data is returned unchanged.
pub fn with_meet_request(mut ev: EventResource) -> EventResource {
    if ev.extra.get("conferenceData").is_some_and(|v| !v.is_null()) {
        return ev;
    }
    ev.extra.insert(
        "conferenceData".into(),
        json!({"createRequest": {
            "requestId": uuid::Uuid::new_v4().to_string(),
            "conferenceSolutionKey": {"type": MEET},
        }}),
    );
    ev
}

/// Attachments of `ev` as (title, address) pairs; only `https` addresses.
pub fn attachments(ev: &EventResource) -> Vec<(String, String)> {
    ev.extra
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| {
            let url = https(a.get("fileUrl")?.as_str()?)?;
            let title = a
                .get("title")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .unwrap_or(&url)
                .to_owned();
            Some((title, url))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(v: Value) -> EventResource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_join_link_comes_from_the_video_entry_point_or_the_hangout_link() {
        let meet = ev(
            json!({"id": "a", "hangoutLink": "https://meet.google.com/abc-defg-hij",
            "conferenceData": {"conferenceId": "abc-defg-hij",
                "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
                "entryPoints": [{"entryPointType": "phone", "uri": "tel:+1"},
                    {"entryPointType": "video", "uri": "https://meet.google.com/abc-defg-hij"}],
                "createRequest": {"requestId": "r1", "status": {"statusCode": "success"}}}}),
        );
        let c = conference(&meet).unwrap();
        assert_eq!(
            c.join_url.as_deref(),
            Some("https://meet.google.com/abc-defg-hij")
        );
        assert_eq!(c.solution.as_deref(), Some("Google Meet"));
        assert!(!c.pending && !c.failed);
        let only_link = ev(json!({"id": "a", "hangoutLink": "https://meet.google.com/x"}));
        assert_eq!(
            conference(&only_link).unwrap().join_url.as_deref(),
            Some("https://meet.google.com/x")
        );
        // Another solution without a web address: shown, nothing to open.
        let other = ev(json!({"id": "a", "conferenceData": {
            "conferenceSolution": {"key": {"type": "addOn"}, "name": "Zoom"},
            "entryPoints": [{"entryPointType": "video", "uri": "javascript:alert(1)"}]}}));
        let c = conference(&other).unwrap();
        assert_eq!((c.join_url, c.solution.as_deref()), (None, Some("Zoom")));
        assert_eq!(conference(&ev(json!({"id": "a"}))), None);
    }

    #[test]
    fn a_meet_request_is_pending_until_the_link_arrives_and_is_made_once() {
        let asked = with_meet_request(ev(json!({"id": "a"})));
        let c = conference(&asked).unwrap();
        assert!(c.pending);
        assert_eq!(c.solution.as_deref(), Some("Google Meet"));
        let id = asked.extra["conferenceData"]["createRequest"]["requestId"].clone();
        assert!(id.as_str().is_some_and(|s| !s.is_empty()));
        // Asking again keeps the first request (and its id).
        let again = with_meet_request(asked.clone());
        assert_eq!(
            again.extra["conferenceData"]["createRequest"]["requestId"],
            id
        );
        let failed = ev(json!({"id": "a", "conferenceData": {"createRequest": {
            "requestId": "r", "status": {"statusCode": "failure"}}}}));
        let c = conference(&failed).unwrap();
        assert!(c.failed && !c.pending);
    }

    #[test]
    fn calendars_say_which_conferences_they_allow_and_attachments_need_https() {
        let entry: CalendarListEntry = serde_json::from_value(json!({"id": "c",
            "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]}}))
        .unwrap();
        assert!(calendar_allows(&entry, MEET));
        let none: CalendarListEntry = serde_json::from_value(json!({"id": "c"})).unwrap();
        assert!(!calendar_allows(&none, MEET));
        let e = ev(json!({"id": "a", "attachments": [
            {"title": "Agenda", "fileUrl": "https://drive.google.com/open?id=1"},
            {"fileUrl": "file:///etc/passwd"}]}));
        assert_eq!(
            attachments(&e),
            vec![(
                "Agenda".to_owned(),
                "https://drive.google.com/open?id=1".to_owned()
            )]
        );
    }
}
