//! The Calendar API v3 under `/calendar/v3/`.

mod calendars;
mod events;

pub(crate) use events::event_query;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use parking_lot::MutexGuard;
use serde_json::Value;

use crate::error::ApiError;
use crate::shared::Shared;
use crate::store::State as EmulatorState;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/calendar/v3/users/me/calendarList", get(calendars::list))
        .route(
            "/calendar/v3/users/me/calendarList/{calendar_id}",
            get(calendars::get_entry).patch(calendars::patch_entry),
        )
        .route(
            "/calendar/v3/calendars/{calendar_id}",
            get(calendars::get_calendar)
                .patch(calendars::patch_calendar)
                .put(calendars::update_calendar),
        )
        .route(
            "/calendar/v3/users/me/settings",
            get(calendars::settings_list),
        )
        .route(
            "/calendar/v3/users/me/settings/{setting}",
            get(calendars::settings_get),
        )
        .route("/calendar/v3/colors", get(calendars::colors))
        .route("/calendar/v3/channels/stop", post(events::stop_channel))
        .route(
            "/calendar/v3/calendars/{calendar_id}/events",
            get(events::list).post(events::insert),
        )
        .route(
            "/calendar/v3/calendars/{calendar_id}/events/watch",
            post(events::watch),
        )
        .route(
            "/calendar/v3/calendars/{calendar_id}/events/{event_id}",
            get(events::get)
                .patch(events::write::<events::Patch>)
                .put(events::write::<events::Update>)
                .delete(events::delete),
        )
        .route(
            "/calendar/v3/calendars/{calendar_id}/events/{event_id}/instances",
            get(events::instances),
        )
        .route(
            "/calendar/v3/calendars/{calendar_id}/events/{event_id}/move",
            post(events::move_event),
        )
}

/// The account and scopes behind the request's bearer token.
pub struct Caller {
    pub account: String,
    pub scope: String,
}

impl Caller {
    pub fn can_write(&self) -> Result<(), ApiError> {
        let ok = self.scope.split(' ').any(|s| {
            s == "https://www.googleapis.com/auth/calendar"
                || s == "https://www.googleapis.com/auth/calendar.events"
        });
        if ok {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope())
        }
    }
    pub fn can_read(&self) -> Result<(), ApiError> {
        let ok = self
            .scope
            .split(' ')
            .any(|s| s.starts_with("https://www.googleapis.com/auth/calendar"));
        if ok {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope())
        }
    }

    /// The locked state and the id `cal_id` stands for (`primary` is the caller's own), for a
    /// request that reads the calendar.
    pub fn read_calendar<'a>(
        &self,
        sh: &'a Shared,
        cal_id: &str,
    ) -> Result<(MutexGuard<'a, EmulatorState>, String), ApiError> {
        self.can_read()?;
        let st = sh.state.lock();
        let (id, _) = st.access(&self.account, cal_id, false)?;
        Ok((st, id))
    }
}

/// The access token of a request: `Authorization: Bearer …` or the `access_token` parameter.
pub fn bearer(parts: &Parts) -> Option<String> {
    bearer_from(&parts.headers, &parts.uri)
}

pub fn bearer_from(headers: &axum::http::HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    if let Some(h) = headers.get("authorization").and_then(|h| h.to_str().ok()) {
        let (scheme, tok) = h.split_once(' ')?;
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some(tok.trim().to_owned());
        }
        return None;
    }
    let q = uri.query()?;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned())
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::new(401, "global", "required", "Login Required.")
                .at("header", "Authorization")
                .with_status("UNAUTHENTICATED")
        })?;
        let st = shared.state.lock();
        let (account, scope) = st.oauth.account_for(&token).ok_or_else(ApiError::auth)?;
        Ok(Caller {
            account: account.to_owned(),
            scope: scope.to_owned(),
        })
    }
}

/// Query parameters as ordered pairs (some, like `privateExtendedProperty`, repeat).
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn from_query(q: Option<&str>) -> Params {
        Params(
            url::form_urlencoded::parse(q.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    pub fn all<'a>(&'a self, k: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    pub fn bool(&self, k: &str) -> Result<Option<bool>, ApiError> {
        match self.get(k) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(ApiError::invalid_param(k, "Invalid boolean value")),
        }
    }
    pub fn usize(&self, k: &str) -> Result<Option<usize>, ApiError> {
        match self.get(k) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| ApiError::invalid_param(k, format!("Invalid value '{v}'. Values must match the following regular expression: '-?\\d+'"))),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Params::from_query(parts.uri.query()))
    }
}

pub fn json_response_body(v: &Value) -> String {
    serde_json::to_string(v).expect("json serialises")
}

/// A 200 answer with an already serialised JSON body.
pub fn json_text(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    r
}

pub fn json_ok(v: &Value) -> Response {
    json_text(StatusCode::OK, json_response_body(v))
}

/// Reads a JSON request body the way Google reports a malformed one.
pub fn parse_body(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(400, "global", "parseError", format!("Parse Error: {e}")))
}

/// An error answer: Google's JSON body, its status, and the headers Google adds to 401s and to
/// rate-limit answers.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, json_response_body(&self.body())).into_response();
        let h = resp.headers_mut();
        h.insert(
            "content-type",
            HeaderValue::from_static("application/json; charset=UTF-8"),
        );
        if self.code == 401 {
            h.insert(
                "www-authenticate",
                HeaderValue::from_static(
                    "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
                ),
            );
        }
        if let Some(s) = self.retry_after {
            h.insert("retry-after", HeaderValue::from(s));
        }
        resp
    }
}

/// Fallback for unknown paths under the API.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}
