//! The HTTP client the `oauth2` crate sends its requests through: the engine's own reqwest
//! client, held to what the OAuth endpoints need — no redirect followed, a time limit, a small
//! answer — and keeping the answer's status, which `oauth2` drops from its errors.

use crate::error::{Error, Result};
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

const MAX_BODY: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(30);

/// One OAuth exchange over the engine's client. Made per request, so [`OAuthHttp::status`] is
/// the status of that request's answer.
pub(crate) struct OAuthHttp<'a> {
    http: &'a reqwest::Client,
    /// Names the endpoint in errors ("the token endpoint").
    what: &'static str,
    status: AtomicU16,
    /// A URL `oauth2` was given as `https` that is sent over plain `http` (see
    /// `TokenEndpoint::revocation_url`): the `https` form and the one to send to.
    plain_http: Option<(url::Url, url::Url)>,
}

impl<'a> OAuthHttp<'a> {
    pub(crate) fn new(http: &'a reqwest::Client, what: &'static str) -> Self {
        Self {
            http,
            what,
            status: AtomicU16::new(0),
            plain_http: None,
        }
    }

    /// Sends requests for `https` to `plain` instead.
    pub(crate) fn plain_http_for(mut self, https: url::Url, plain: url::Url) -> Self {
        self.plain_http = Some((https, plain));
        self
    }

    /// The HTTP status of the answer, once one came.
    pub(crate) fn status(&self) -> Option<u16> {
        Some(self.status.load(Ordering::Relaxed)).filter(|s| *s != 0)
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        let mut request = reqwest::Request::try_from(request)
            .map_err(|e| Error::Internal(format!("an OAuth request did not convert: {e}")))?;
        *request.timeout_mut() = Some(TIMEOUT);
        if let Some((https, plain)) = &self.plain_http {
            if request.url() == https {
                *request.url_mut() = plain.clone();
            }
        }
        let asked = request.url().clone();
        let resp = self
            .http
            .execute(request)
            .await
            .map_err(|e| network(self.what, &e))?;
        // The request carries the client secret and a code or refresh token: it goes to the
        // configured endpoint only (the engine's client follows no redirect; a client that
        // did is caught by the changed URL).
        if resp.status().is_redirection() || resp.url() != &asked {
            return Err(Error::Auth(format!(
                "{} answered with a redirect, which Chronos does not follow for OAuth",
                self.what
            )));
        }
        self.status.store(resp.status().as_u16(), Ordering::Relaxed);
        let mut answer = oauth2::http::Response::builder().status(resp.status());
        for (name, value) in resp.headers() {
            answer = answer.header(name, value);
        }
        let body = read_small(resp).await?;
        answer
            .body(body)
            .map_err(|e| Error::Internal(format!("an OAuth answer did not convert: {e}")))
    }
}

impl<'c> AsyncHttpClient<'c> for OAuthHttp<'_> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

pub(crate) fn network(what: &str, e: &reqwest::Error) -> Error {
    let how = if e.is_timeout() {
        "timed out"
    } else {
        "could not be reached"
    };
    Error::Network(format!("{what} {how}"))
}

/// The body of an OAuth server's answer, refused past [`MAX_BODY`].
pub(crate) async fn read_small(mut resp: reqwest::Response) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| network("the OAuth server", &e))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(Error::Auth(
                "the OAuth server sent an over-large answer".into(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::google::default_http_client;
    use axum::http::{header, StatusCode};
    use axum::routing::post;
    use axum::Router;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    /// A server whose `/token` redirects (307 keeps the method and body) to `/elsewhere`, which
    /// counts its visitors; `/big` answers more than [`MAX_BODY`].
    async fn server(visits: Arc<AtomicUsize>) -> String {
        let app = Router::new()
            .route(
                "/token",
                post(|| async {
                    (
                        StatusCode::TEMPORARY_REDIRECT,
                        [(header::LOCATION, "/elsewhere")],
                    )
                }),
            )
            .route(
                "/elsewhere",
                post(move || async move {
                    visits.fetch_add(1, Ordering::SeqCst);
                    "{}"
                }),
            )
            .route("/big", post(|| async { "x".repeat(MAX_BODY + 1) }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    fn post_to(url: &str) -> HttpRequest {
        oauth2::http::Request::builder()
            .method("POST")
            .uri(url)
            .body(b"code=secret".to_vec())
            .unwrap()
    }

    #[tokio::test]
    async fn a_redirect_is_refused_and_not_followed() {
        let visits = Arc::new(AtomicUsize::new(0));
        let base = server(visits.clone()).await;
        let engine = default_http_client();
        let following = reqwest::Client::new();
        for http in [&engine, &following] {
            let adapter = OAuthHttp::new(http, "the token endpoint");
            let err = adapter
                .call(post_to(&format!("{base}/token")))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Auth(_)), "{err:?}");
            assert!(err.to_string().contains("redirect"), "{err}");
            assert_eq!(adapter.status(), None);
        }
        // The engine's client never went to the redirect target.
        let _ = OAuthHttp::new(&engine, "the token endpoint")
            .call(post_to(&format!("{base}/token")))
            .await;
        assert_eq!(
            visits.load(Ordering::SeqCst),
            1,
            "only the redirect-following client reached it"
        );
    }

    #[tokio::test]
    async fn keeps_the_status_and_refuses_an_over_large_answer() {
        let base = server(Arc::new(AtomicUsize::new(0))).await;
        let http = default_http_client();
        let adapter = OAuthHttp::new(&http, "the token endpoint");
        let answer = adapter
            .call(post_to(&format!("{base}/elsewhere")))
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.body(), b"{}");
        assert_eq!(adapter.status(), Some(200));
        let err = adapter
            .call(post_to(&format!("{base}/big")))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("over-large"), "{err}");
    }

    #[tokio::test]
    async fn an_unreachable_endpoint_is_a_network_error() {
        let port = {
            let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            free.local_addr().unwrap().port()
        };
        let http = default_http_client();
        let adapter = OAuthHttp::new(&http, "the revoke endpoint");
        let err = adapter
            .call(post_to(&format!("http://127.0.0.1:{port}/revoke")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Offline, "{err:?}");
        assert!(err.to_string().contains("the revoke endpoint"), "{err}");
    }
}
