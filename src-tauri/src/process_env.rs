//! The environment the app gives itself and WebKit's processes, set first thing at start (WebKit
//! reads it when it starts). A value the user set wins. Figures from `scripts/app-bench.sh` on a
//! month of a 100,000-event store under Xvfb.
//!
//! - `WEBKIT_DISABLE_COMPOSITING_MODE=1`: WebKitGTK composites the page in OpenGL layers by
//!   default; a calendar page has no 3D transforms, video or WebGL to gain from that, and the
//!   layers cost memory. Under Mesa's software GL the web process keeps 380 MB resident (202 MB
//!   anonymous) composited and 213 MB (66 MB) drawn without compositing; Skia's CPU rendering
//!   with compositing keeps 279 MB (106 MB).
//!
//! Tried and left out: `MALLOC_ARENA_MAX=2` took the app's own memory from 97 to 70 MB, but four
//! launches in five then drew the first month after 1.1 s instead of 0.85 s.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

/// Each variable and the value the app wants.
const DEFAULTS: [(&str, &str); 1] = [("WEBKIT_DISABLE_COMPOSITING_MODE", "1")];

/// What to set, given a lookup of the user's environment.
fn to_set(
    current: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Vec<(&'static str, &'static str)> {
    DEFAULTS
        .into_iter()
        .filter(|(name, _)| current(name).is_none())
        .collect()
}

/// Call first thing in `run`, before any thread starts: the environment is changed here. Linux
/// only (WebKitGTK).
pub fn apply() {
    #[cfg(target_os = "linux")]
    for (name, value) in to_set(|name| std::env::var_os(name)) {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_default_is_set_unless_the_user_chose_a_value() {
        assert_eq!(to_set(|_| None), DEFAULTS.to_vec());
        assert!(to_set(|_| Some("0".into())).is_empty());
        let other = to_set(|name| (name == "SOMETHING_ELSE").then(|| "1".into()));
        assert_eq!(other, DEFAULTS.to_vec());
    }
}
