//! The RFC 8252 loopback redirect listener: the browser brings Google's answer back to
//! `http://127.0.0.1:<port>/callback`.
//!
//! Deliberately tiny: it answers GET on one path, insists on the exact `Host`, compares `state`
//! in constant time, serves fixed pages that never echo a parameter, and stops after the first
//! valid callback or the timeout.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::num::NonZeroU16;
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use zeroize::Zeroizing;

#[derive(Clone, Debug)]
pub struct LoopbackOptions {
    /// How long to wait for the browser (Google's consent can take a while).
    pub timeout: Duration,
    /// The callback path, starting with `/`.
    pub path: String,
    /// A fixed port on 127.0.0.1. Google accepts any loopback port, so by default the OS picks
    /// one; some servers only accept the redirect URI registered with its port.
    pub port: Option<NonZeroU16>,
}

impl Default for LoopbackOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            path: "/callback".into(),
            port: None,
        }
    }
}

/// What the browser brought back.
pub struct AuthorizationCode {
    pub code: Zeroizing<String>,
    /// Google adds the granted scopes to the redirect; the token answer is authoritative.
    pub scope: Option<String>,
}

impl std::fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationCode")
            .field("code", &"<redacted>")
            .field("scope", &self.scope)
            .finish()
    }
}

pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
    options: LoopbackOptions,
    expected_state: Zeroizing<String>,
}

/// Longest request head accepted; a real callback is well under 4 KiB.
const MAX_HEAD: usize = 16 * 1024;
/// A connection that does not send its request head in this time is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

const PAGE_DONE: &str = "<!doctype html><meta charset=utf-8><title>Chronos</title>\
<p>You are signed in. You can close this tab and return to Chronos.</p>";
const PAGE_DENIED: &str = "<!doctype html><meta charset=utf-8><title>Chronos</title>\
<p>Sign-in was cancelled. You can close this tab and try again from Chronos.</p>";
const PAGE_REJECTED: &str = "<!doctype html><meta charset=utf-8><title>Chronos</title>\
<p>This request was not accepted. Start the sign-in again from Chronos.</p>";
const PAGE_NOT_FOUND: &str =
    "<!doctype html><meta charset=utf-8><title>Chronos</title><p>Not found.</p>";

enum Outcome {
    Code(AuthorizationCode),
    Denied(String),
}

impl LoopbackListener {
    /// Binds `127.0.0.1` on `options.port`, or on a port the OS picks. A fixed port that another
    /// program holds is [`Error::LoopbackPortTaken`].
    pub async fn bind(expected_state: &str, options: LoopbackOptions) -> Result<Self> {
        if !options.path.starts_with('/') || options.path.contains(['?', '#', ' ']) {
            return Err(Error::InvalidInput(
                "the callback path must start with / and hold no query".into(),
            ));
        }
        let wanted = options.port.map_or(0, NonZeroU16::get);
        let listener = TcpListener::bind(("127.0.0.1", wanted))
            .await
            .map_err(|e| match options.port {
                Some(port) if e.kind() == std::io::ErrorKind::AddrInUse => {
                    Error::LoopbackPortTaken(port)
                }
                Some(port) => Error::Auth(format!(
                    "could not open the local sign-in listener on 127.0.0.1:{port}: {e}"
                )),
                None => Error::Auth(format!("could not open the local sign-in listener: {e}")),
            })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::Auth(format!("local sign-in listener: {e}")))?
            .port();
        Ok(Self {
            listener,
            port,
            options,
            expected_state: Zeroizing::new(expected_state.to_owned()),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>/callback`: the `redirect_uri` of the authorization request.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.options.path)
    }

    /// Serves until the first valid callback (→ the code), a valid `error=` callback (→ an
    /// error), or the timeout. Invalid requests get a fixed error page and do not end the wait.
    pub async fn wait(self) -> Result<AuthorizationCode> {
        let deadline = tokio::time::Instant::now() + self.options.timeout;
        let (tx, mut rx) = mpsc::channel::<Outcome>(1);
        let mut connections = JoinSet::new();
        let ctx = std::sync::Arc::new(RequestCheck {
            host: format!("127.0.0.1:{}", self.port),
            path: self.options.path.clone(),
            state: self.expected_state.clone(),
        });
        let result = loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {
                    break Err(Error::Timeout(format!(
                        "no sign-in answer came back from the browser within {} s; start the sign-in again",
                        self.options.timeout.as_secs()
                    )));
                }
                Some(outcome) = rx.recv() => {
                    break match outcome {
                        Outcome::Code(code) => Ok(code),
                        Outcome::Denied(reason) => Err(Error::Auth(reason)),
                    };
                }
                accepted = self.listener.accept() => {
                    if let Ok((stream, _peer)) = accepted {
                        let (ctx, tx) = (ctx.clone(), tx.clone());
                        connections.spawn(async move { serve_connection(stream, &ctx, &tx).await });
                    }
                }
            }
        };
        // Let the page of the final callback finish writing, briefly; then everything closes.
        let _ = tokio::time::timeout(Duration::from_millis(500), async {
            drop(tx);
            while connections.join_next().await.is_some() {}
        })
        .await;
        connections.abort_all();
        result
    }
}

struct RequestCheck {
    host: String,
    path: String,
    state: Zeroizing<String>,
}

async fn serve_connection(mut stream: TcpStream, check: &RequestCheck, tx: &mpsc::Sender<Outcome>) {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => {
            let _ = respond(&mut stream, 400, "Bad Request", PAGE_REJECTED).await;
            return;
        }
    };
    let (status, reason, page, outcome) = judge(&head, check);
    // Reply before reporting, so the browser gets its page before the listener goes away.
    let _ = respond(&mut stream, status, reason, page).await;
    if let Some(outcome) = outcome {
        let _ = tx.send(outcome).await;
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.truncate(end);
            return String::from_utf8(buf).ok();
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

fn judge(head: &str, check: &RequestCheck) -> (u16, &'static str, &'static str, Option<Outcome>) {
    let reject = (400, "Bad Request", PAGE_REJECTED, None);
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return reject;
    };
    if !version.starts_with("HTTP/1.") {
        return reject;
    }
    let mut hosts = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim());
    // Exactly one Host, and exactly ours: a page on another origin cannot use DNS rebinding.
    let host_ok = matches!((hosts.next(), hosts.next()), (Some(h), None) if h == check.host);
    if !host_ok {
        return (400, "Bad Request", PAGE_REJECTED, None);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != check.path {
        return (404, "Not Found", PAGE_NOT_FOUND, None);
    }
    if method != "GET" {
        return (405, "Method Not Allowed", PAGE_REJECTED, None);
    }
    let mut params: HashMap<String, String> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if params.insert(k.into_owned(), v.into_owned()).is_some() {
            return reject; // a repeated parameter is never Google's
        }
    }
    let state_ok = params
        .get("state")
        .is_some_and(|s| bool::from(s.as_bytes().ct_eq(check.state.as_bytes())));
    if !state_ok {
        return reject;
    }
    if let Some(error) = params.get("error") {
        let code: String = error
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        let message = if code == "access_denied" {
            "access was denied in the browser: Chronos needs your permission to read and edit your \
             Google calendars. Start the sign-in again and allow access."
                .to_owned()
        } else {
            format!("Google refused the sign-in ({code})")
        };
        return (200, "OK", PAGE_DENIED, Some(Outcome::Denied(message)));
    }
    match params.remove("code").filter(|c| !c.is_empty()) {
        Some(code) => (
            200,
            "OK",
            PAGE_DONE,
            Some(Outcome::Code(AuthorizationCode {
                code: Zeroizing::new(code),
                scope: params.remove("scope"),
            })),
        ),
        None => reject,
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    reason: &str,
    page: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nContent-Security-Policy: default-src 'none'\r\n\
         Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        page.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(page.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_redirects() -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    async fn start(
        state: &str,
        timeout: Duration,
    ) -> (
        String,
        u16,
        tokio::task::JoinHandle<Result<AuthorizationCode>>,
    ) {
        let l = LoopbackListener::bind(
            state,
            LoopbackOptions {
                timeout,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let (uri, port) = (l.redirect_uri(), l.port());
        (uri, port, tokio::spawn(l.wait()))
    }

    #[tokio::test]
    async fn valid_callback_yields_the_code_and_closes() {
        let (uri, port, task) = start("s3cret-state", Duration::from_secs(10)).await;
        assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"));
        let http = no_redirects();
        let r = http
            .get(format!(
                "{uri}?state=s3cret-state&code=the-code&scope=a%20b"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        assert!(page.contains("signed in") && !page.contains("the-code"));
        let code = task.await.unwrap().unwrap();
        assert_eq!(code.code.as_str(), "the-code");
        assert_eq!(code.scope.as_deref(), Some("a b"));
        // The listener is gone.
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(http
            .get(format!("http://127.0.0.1:{port}/callback"))
            .send()
            .await
            .is_err());
    }

    #[tokio::test]
    async fn bad_state_wrong_path_wrong_host_are_rejected_and_wait_goes_on() {
        let (uri, port, task) = start("right-state", Duration::from_secs(10)).await;
        let http = no_redirects();
        let r = http
            .get(format!("{uri}?state=wrong-state&code=evil<script>"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert!(!r.text().await.unwrap().contains("evil"));
        let r = http.get(format!("{uri}?code=x")).send().await.unwrap();
        assert_eq!(r.status(), 400, "missing state");
        let r = http
            .get(format!("{uri}?state=right-state&state=right-state&code=x"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "repeated state");
        let r = http
            .get(format!(
                "http://127.0.0.1:{port}/other?state=right-state&code=x"
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = http
            .get(format!("{uri}?state=right-state&code=x"))
            .header("Host", format!("evil.example:{port}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "wrong Host");
        // `localhost` may resolve to ::1, where nothing listens; if it reaches us, it is refused.
        if let Ok(r) = http
            .get(format!(
                "http://localhost:{port}/callback?state=right-state&code=x"
            ))
            .send()
            .await
        {
            assert_eq!(r.status(), 400, "localhost is not the registered host");
        }
        let r = http
            .post(format!("{uri}?state=right-state&code=x"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405);
        assert!(!task.is_finished(), "rejections do not end the wait");
        let r = http
            .get(format!("{uri}?state=right-state&code=good"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(task.await.unwrap().unwrap().code.as_str(), "good");
    }

    #[tokio::test]
    async fn access_denied_is_a_clear_error() {
        let (uri, _, task) = start("st", Duration::from_secs(10)).await;
        let r = no_redirects()
            .get(format!("{uri}?error=access_denied&state=st"))
            .send()
            .await
            .unwrap();
        assert!(r.text().await.unwrap().contains("cancelled"));
        let err = task.await.unwrap().unwrap_err();
        assert!(err.to_string().contains("access was denied"), "{err}");
    }

    #[tokio::test]
    async fn denial_with_a_forged_state_is_ignored() {
        let (uri, _, task) = start("st", Duration::from_millis(300)).await;
        let r = no_redirects()
            .get(format!("{uri}?error=access_denied&state=forged"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(
            task.await.unwrap().unwrap_err().kind(),
            crate::ErrorKind::Timeout
        );
    }

    #[tokio::test]
    async fn times_out_clearly_and_a_silent_connection_does_not_block() {
        let (_, port, task) = start("st", Duration::from_millis(300)).await;
        let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let started = std::time::Instant::now();
        let err = task.await.unwrap().unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Timeout);
        assert!(err.to_string().contains("start the sign-in again"));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    /// A port nobody listens on right now (the OS hands out a fresh one and it is let go).
    fn free_port() -> NonZeroU16 {
        let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        NonZeroU16::new(l.local_addr().unwrap().port()).unwrap()
    }

    #[tokio::test]
    async fn a_fixed_port_is_used_for_the_listener_and_the_redirect_uri() {
        let port = free_port();
        let options = LoopbackOptions {
            port: Some(port),
            timeout: Duration::from_secs(10),
            ..Default::default()
        };
        let l = LoopbackListener::bind("st", options).await.unwrap();
        assert_eq!(l.port(), port.get());
        assert_eq!(
            l.redirect_uri(),
            format!("http://127.0.0.1:{port}/callback")
        );
        let task = tokio::spawn(l.wait());
        let r = no_redirects()
            .get(format!("http://127.0.0.1:{port}/callback?state=st&code=c"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(task.await.unwrap().unwrap().code.as_str(), "c");
    }

    #[tokio::test]
    async fn a_taken_fixed_port_is_a_clear_error() {
        let holder = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = NonZeroU16::new(holder.local_addr().unwrap().port()).unwrap();
        let options = LoopbackOptions {
            port: Some(port),
            ..Default::default()
        };
        let err = LoopbackListener::bind("st", options)
            .await
            .err()
            .expect("the port is taken");
        assert!(
            matches!(err, Error::LoopbackPortTaken(p) if p == port),
            "{err:?}"
        );
        assert_eq!(err.kind(), crate::ErrorKind::InvalidInput);
        let message = err.to_string();
        assert!(
            message.contains(&format!("127.0.0.1:{port}")) && message.contains("in use"),
            "{message}"
        );
    }

    #[tokio::test]
    async fn oversized_heads_are_refused() {
        let (uri, _, task) = start("st", Duration::from_secs(5)).await;
        let big = "a".repeat(40_000);
        let r = no_redirects()
            .get(format!("{uri}?state=st&x={big}"))
            .send()
            .await;
        if let Ok(r) = r {
            assert_eq!(r.status(), 400);
        }
        assert!(!task.is_finished());
        task.abort();
    }
}
