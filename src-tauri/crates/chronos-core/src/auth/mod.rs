//! Google sign-in (RFC 8252 loopback redirect + PKCE S256) and the tokens it yields: stored in
//! the [`crate::secrets::SecretStore`], refreshed single-flight per account.

mod http;
pub mod loopback;
pub mod signin;
pub mod token_endpoint;
mod token_set;
pub mod tokens;

pub use loopback::{AuthorizationCode, LoopbackListener, LoopbackOptions};
pub use signin::{
    authorization_url, open_without_browser, sign_in, SignInOptions, SignedIn, CALENDAR_SCOPE,
    SIGN_IN_SCOPES,
};
pub use token_endpoint::TokenEndpoint;
pub use tokens::{secret_name, AuthStatus, TokenManager, TokenManagers, TokenSet, REFRESH_MARGIN};
