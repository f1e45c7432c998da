//! Calendar labels (`labelProperties`, `eventLabelId` and `eventLabelVersion`), conference data
//! (`conferenceData.createRequest` completed through the control API) and attachments.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const DEEP: &str = "6f1c1f4e-3f4b-4c59-9a43-0d4c3e1b2a10";
const TRAVEL: &str = "0b7d2c8a-5e6f-4a1b-8c9d-2e3f4a5b6c7d";

fn labels_body() -> Value {
    json!({"labelProperties": {"eventLabels": [
        {"id": DEEP, "name": "Deep work", "backgroundColor": "#1b5e20"},
        {"id": TRAVEL, "name": "Travel", "backgroundColor": "#0d47a1"},
    ]}})
}

#[tokio::test]
async fn calendar_labels_are_written_and_shown_by_calendars() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let cal_path = format!("calendars/{}", enc(&cal));
    let (s, v) = env
        .call(Method::PATCH, &cal_path, Some(labels_body()), &[])
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["labelProperties"], labels_body()["labelProperties"]);
    // A patch without labelProperties leaves them; a new label gets a UUID.
    let (_, v) = env
        .call(
            Method::PATCH,
            &cal_path,
            Some(json!({"summary": "Me"})),
            &[],
        )
        .await;
    assert_eq!(v["labelProperties"]["eventLabels"][1]["name"], "Travel");
    let mut more = labels_body();
    more["labelProperties"]["eventLabels"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Errands", "backgroundColor": "#f4511e"}));
    let (_, v) = env.call(Method::PATCH, &cal_path, Some(more), &[]).await;
    let id = v["labelProperties"]["eventLabels"][2]["id"]
        .as_str()
        .unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let (_, v) = env.get(&cal_path).await;
    assert_eq!(
        v["labelProperties"]["eventLabels"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // At most 200, ids are UUIDs, names at most 50 characters, a colour is required.
    let many: Vec<Value> = (0..201)
        .map(|_| json!({"name": "n", "backgroundColor": "#000000"}))
        .collect();
    for bad in [
        json!({"eventLabels": many}),
        json!({"eventLabels": [{"id": "lbl-1", "backgroundColor": "#000000"}]}),
        json!({"eventLabels": [{"name": "x".repeat(51), "backgroundColor": "#000000"}]}),
        json!({"eventLabels": [{"name": "no colour"}]}),
        json!({"eventLabels": [{"id": DEEP, "backgroundColor": "#000000"}, {"id": DEEP, "backgroundColor": "#000000"}]}),
    ] {
        let (s, v) = env
            .call(
                Method::PATCH,
                &cal_path,
                Some(json!({"labelProperties": bad})),
                &[],
            )
            .await;
        assert_eq!(
            (s, error_reason(&v)),
            (StatusCode::BAD_REQUEST, "invalid"),
            "{v}"
        );
    }
}

#[tokio::test]
async fn event_label_id_is_written_only_with_event_label_version_and_supersedes_color_id() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let cal_path = format!("calendars/{}", enc(&cal));
    env.call(Method::PATCH, &cal_path, Some(labels_body()), &[])
        .await;
    let events = env.events_path(&cal);
    let mut ev = hour_event("labelled");
    ev["eventLabelId"] = json!(DEEP);
    ev["colorId"] = json!("5");
    // Version 0: the label is ignored and the colour kept.
    let (_, plain) = env.post(&events, ev.clone()).await;
    assert!(plain.get("eventLabelId").is_none(), "{plain}");
    assert_eq!(plain["colorId"], "5");
    // Version 1: the label is written and colorId ignored.
    let (s, v) = env.post(&format!("{events}?eventLabelVersion=1"), ev).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["eventLabelId"], DEEP);
    assert!(v.get("colorId").is_none(), "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let (_, got) = env.get(&format!("{events}/{id}")).await;
    assert_eq!(got["eventLabelId"], DEEP, "reads always show it");
    let (_, list) = env.list_page(&cal, "").await;
    let labelled: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["eventLabelId"].as_str())
        .collect();
    assert_eq!(labelled, [DEEP]);
    // A version-0 patch leaves the label; with version 1 an unknown label is refused, a known
    // one replaces it and an empty one removes it.
    let path = format!("{events}/{id}");
    let (_, v) = env
        .call(
            Method::PATCH,
            &path,
            Some(json!({"eventLabelId": null, "summary": "x"})),
            &[],
        )
        .await;
    assert_eq!(
        (&v["summary"], &v["eventLabelId"]),
        (&json!("x"), &json!(DEEP))
    );
    let versioned = format!("{path}?eventLabelVersion=1");
    let (s, v) = env
        .call(
            Method::PATCH,
            &versioned,
            Some(json!({"eventLabelId": "nope"})),
            &[],
        )
        .await;
    assert_eq!(
        (s, error_reason(&v)),
        (StatusCode::BAD_REQUEST, "invalid"),
        "{v}"
    );
    let (_, v) = env
        .call(
            Method::PATCH,
            &versioned,
            Some(json!({"eventLabelId": TRAVEL})),
            &[],
        )
        .await;
    assert_eq!(v["eventLabelId"], TRAVEL);
    let (_, v) = env
        .call(
            Method::PATCH,
            &versioned,
            Some(json!({"eventLabelId": ""})),
            &[],
        )
        .await;
    assert!(v.get("eventLabelId").is_none(), "{v}");
}

fn meet_request(request_id: &str) -> Value {
    json!({"createRequest": {"requestId": request_id,
        "conferenceSolutionKey": {"type": "hangoutsMeet"}}})
}

#[tokio::test]
async fn conference_create_request_is_pending_until_the_control_api_completes_it() {
    let env = env(empty_world()).await;
    let cal = env.primary();
    let events = env.events_path(&cal);
    let mut ev = hour_event("call");
    ev["conferenceData"] = meet_request("req-1");
    // Without conferenceDataVersion=1 conference data is ignored.
    let (_, plain) = env.post(&events, ev.clone()).await;
    assert!(plain.get("conferenceData").is_none(), "{plain}");
    let (s, v) = env
        .post(&format!("{events}?conferenceDataVersion=1"), ev)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        v["conferenceData"]["createRequest"]["status"]["statusCode"],
        "pending"
    );
    assert!(v.get("hangoutLink").is_none());
    let id = v["id"].as_str().unwrap().to_owned();
    let (_, sync, _) = env.list_all(&cal, "").await;
    // Google answers a moment later; here, when the control API says so.
    let url = env.control_url(&format!("calendars/{}/events/{id}/conference", enc(&cal)));
    let resp = env.http.post(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, got) = env.get(&format!("{events}/{id}")).await;
    let conf = &got["conferenceData"];
    assert_eq!(conf["createRequest"]["status"]["statusCode"], "success");
    assert_eq!(conf["conferenceSolution"]["key"]["type"], "hangoutsMeet");
    let uri = conf["entryPoints"][0]["uri"].as_str().unwrap();
    assert!(uri.starts_with("https://meet.google.com/"), "{uri}");
    assert_eq!(conf["entryPoints"][0]["entryPointType"], "video");
    assert_eq!(got["hangoutLink"], uri);
    // The link is a change an incremental sync sees.
    let (inc, _, _) = env.list_all(&cal, &sync_query(&sync)).await;
    assert_eq!(inc.len(), 1);
    assert_eq!(inc[0]["hangoutLink"], uri);
    // Nothing pending any more.
    let resp = env.http.post(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // A retry with the same requestId changes nothing; a patch without the version keeps it.
    let path = format!("{events}/{id}");
    let (_, v) = env
        .call(
            Method::PATCH,
            &format!("{path}?conferenceDataVersion=1"),
            Some(json!({"conferenceData": meet_request("req-1")})),
            &[],
        )
        .await;
    assert_eq!(v["hangoutLink"], uri, "{v}");
    let (_, v) = env
        .call(
            Method::PATCH,
            &path,
            Some(json!({"conferenceData": null, "summary": "still"})),
            &[],
        )
        .await;
    assert_eq!(v["hangoutLink"], uri);
    assert_eq!(v["conferenceData"]["conferenceId"], conf["conferenceId"]);
    // A new requestId asks again.
    let (_, v) = env
        .call(
            Method::PATCH,
            &format!("{path}?conferenceDataVersion=1"),
            Some(json!({"conferenceData": meet_request("req-2")})),
            &[],
        )
        .await;
    assert_eq!(
        v["conferenceData"]["createRequest"]["status"]["statusCode"],
        "pending"
    );
    assert!(v.get("hangoutLink").is_none());
    let resp = env
        .http
        .post(&url)
        .json(&json!({"outcome": "failure"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, got) = env.get(&path).await;
    assert_eq!(
        got["conferenceData"]["createRequest"]["status"]["statusCode"],
        "failure"
    );
}

#[tokio::test]
async fn conference_request_checks_its_fields_and_attachments_need_supports_attachments() {
    let env = env(empty_world()).await;
    let events = env.events_path(&env.primary());
    let mut ev = hour_event("call");
    ev["conferenceData"] =
        json!({"createRequest": {"requestId": "r", "conferenceSolutionKey": {"type": "zoom"}}});
    let (s, v) = env
        .post(&format!("{events}?conferenceDataVersion=1"), ev)
        .await;
    assert_eq!((s, error_reason(&v)), (StatusCode::BAD_REQUEST, "invalid"));
    let (s, v) = env
        .post(
            &format!("{events}?conferenceDataVersion=2"),
            hour_event("x"),
        )
        .await;
    assert_eq!((s, error_reason(&v)), (StatusCode::BAD_REQUEST, "invalid"));
    let file = json!({"fileUrl": "https://drive.google.com/file/d/abc", "title": "Agenda"});
    let mut ev = hour_event("with file");
    ev["attachments"] = json!([file]);
    let (_, v) = env.post(&events, ev.clone()).await;
    assert!(v.get("attachments").is_none());
    let (_, v) = env
        .post(&format!("{events}?supportsAttachments=true"), ev)
        .await;
    assert_eq!(v["attachments"], json!([file]));
    let mut many = hour_event("too many");
    many["attachments"] = Value::Array(vec![file; 26]);
    let (s, _) = env
        .post(&format!("{events}?supportsAttachments=true"), many)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
