//! The two error types of the crate: `EmulatorError` for the embedding program (start-up, fixtures)
//! and `ApiError`, an error the emulated Google API answers with, in Google's exact JSON shape.
//! The HTTP answer around that body (status, headers) is the API's business (`api`).

use serde_json::json;

/// Errors of the emulator as a library (not HTTP answers).
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("cannot bind 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("invalid world: {0}")]
    World(String),
    #[error("{0}")]
    Api(#[from] ApiError),
}

impl EmulatorError {
    /// A stable machine-readable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            EmulatorError::Bind { .. } => "bind",
            EmulatorError::World(_) => "invalid_world",
            EmulatorError::Api(_) => "api",
        }
    }
}

/// An error answer of the Calendar API: `{"error":{"code","message","errors":[…],"status"?}}`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code} {reason}: {message}")]
pub struct ApiError {
    pub code: u16,
    pub domain: &'static str,
    pub reason: String,
    pub message: String,
    pub location_type: Option<&'static str>,
    pub location: Option<String>,
    /// Google's gRPC-style status string, sent by some endpoints (e.g. `UNAUTHENTICATED`).
    pub status: Option<&'static str>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(code: u16, domain: &'static str, reason: &str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            domain,
            reason: reason.to_owned(),
            message: message.into(),
            location_type: None,
            location: None,
            status: None,
            retry_after: None,
        }
    }

    pub fn at(mut self, location_type: &'static str, location: impl Into<String>) -> Self {
        self.location_type = Some(location_type);
        self.location = Some(location.into());
        self
    }

    pub fn with_status(mut self, status: &'static str) -> Self {
        self.status = Some(status);
        self
    }

    pub fn not_found() -> Self {
        ApiError::new(404, "global", "notFound", "Not Found")
    }
    pub fn deleted() -> Self {
        ApiError::new(410, "global", "deleted", "Resource has been deleted")
    }
    pub fn duplicate() -> Self {
        ApiError::new(
            409,
            "global",
            "duplicate",
            "The requested identifier already exists.",
        )
    }
    pub fn condition_not_met() -> Self {
        ApiError::new(412, "global", "conditionNotMet", "Precondition Failed")
            .at("header", "If-Match")
    }
    pub fn full_sync_required() -> Self {
        let m = "Sync token is no longer valid, a full sync is required.";
        ApiError::new(410, "calendar", "fullSyncRequired", m).at("parameter", "syncToken")
    }
    /// A sync token combined with a parameter Google does not allow beside it.
    pub fn sync_token_with_restrictions() -> Self {
        let m = "Sync token cannot be used with other request restrictions.";
        ApiError::new(400, "calendar", "syncTokenWithRequestRestrictions", m)
            .at("parameter", "syncToken")
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(400, "global", "invalid", message)
    }
    pub fn invalid_param(param: &str, message: impl Into<String>) -> Self {
        ApiError::new(400, "global", "invalid", message).at("parameter", param)
    }
    pub fn required(message: impl Into<String>) -> Self {
        ApiError::new(400, "global", "required", message)
    }
    pub fn auth() -> Self {
        ApiError::new(401, "global", "authError", "Invalid Credentials")
            .at("header", "Authorization")
            .with_status("UNAUTHENTICATED")
    }
    pub fn forbidden_writer() -> Self {
        ApiError::new(
            403,
            "calendar",
            "requiredAccessLevel",
            "You need to have writer access to this calendar.",
        )
    }
    pub fn insufficient_scope() -> Self {
        ApiError::new(
            403,
            "global",
            "insufficientPermissions",
            "Insufficient Permission",
        )
        .with_status("PERMISSION_DENIED")
    }
    pub fn backend() -> Self {
        ApiError::new(500, "global", "backendError", "Backend Error")
    }

    /// The error body a status code gets from Google when injected as a fault. `reason` picks
    /// between the several 403 variants.
    pub fn for_fault(code: u16, reason: Option<&str>) -> Self {
        match (code, reason) {
            (403, Some("userRateLimitExceeded")) => ApiError::new(
                403,
                "usageLimits",
                "userRateLimitExceeded",
                "User Rate Limit Exceeded",
            ),
            (403, Some("quotaExceeded")) => ApiError::new(
                403,
                "usageLimits",
                "quotaExceeded",
                "Calendar usage limits exceeded.",
            ),
            (403, Some("dailyLimitExceeded")) => ApiError::new(
                403,
                "usageLimits",
                "dailyLimitExceeded",
                "Daily Limit Exceeded",
            ),
            (403, Some("forbiddenForNonOrganizer")) => ApiError::new(
                403,
                "calendar",
                "forbiddenForNonOrganizer",
                "Shared properties can only be changed by the organizer of the event.",
            ),
            (403, _) => ApiError::new(
                403,
                "usageLimits",
                "rateLimitExceeded",
                "Rate Limit Exceeded",
            ),
            (429, _) => ApiError::new(
                429,
                "usageLimits",
                "rateLimitExceeded",
                "Rate Limit Exceeded",
            )
            .with_status("RESOURCE_EXHAUSTED"),
            (401, _) => ApiError::auth(),
            (404, _) => ApiError::not_found(),
            (409, _) => ApiError::duplicate(),
            (410, Some("fullSyncRequired")) => ApiError::full_sync_required(),
            (410, _) => ApiError::deleted(),
            (412, _) => ApiError::condition_not_met(),
            (503, _) => ApiError::new(503, "global", "backendError", "Service Unavailable")
                .with_status("UNAVAILABLE"),
            (c, _) if c >= 500 => ApiError::new(c, "global", "backendError", "Backend Error"),
            (c, r) => ApiError::new(c, "global", r.unwrap_or("invalid"), "Bad Request"),
        }
    }

    pub fn body(&self) -> serde_json::Value {
        let mut item = serde_json::Map::new();
        item.insert("domain".into(), json!(self.domain));
        item.insert("reason".into(), json!(self.reason));
        item.insert("message".into(), json!(self.message));
        if let Some(lt) = self.location_type {
            item.insert("locationType".into(), json!(lt));
        }
        if let Some(l) = &self.location {
            item.insert("location".into(), json!(l));
        }
        let mut err = serde_json::Map::new();
        err.insert("errors".into(), json!([item]));
        err.insert("code".into(), json!(self.code));
        err.insert("message".into(), json!(self.message));
        if let Some(s) = self.status {
            err.insert("status".into(), json!(s));
        }
        json!({ "error": err })
    }
}
