//! How WebKitGTK draws the page. By default it composites the page in OpenGL layers; a calendar
//! page has no 3D transforms, video or WebGL to gain from that, and the layers cost memory:
//! under Mesa's software GL (`scripts/app-bench.sh`, a month of a 100,000-event store) the web
//! process keeps 380 MB resident (202 MB anonymous) composited and 213 MB (66 MB) drawn without
//! compositing; Skia's CPU rendering with compositing keeps 279 MB (106 MB). A value the user set
//! for the variable wins.

/// The variable WebKitGTK reads, and the value that turns compositing off.
const COMPOSITING_OFF: (&str, &str) = ("WEBKIT_DISABLE_COMPOSITING_MODE", "1");

/// What to set, given the variable as the user's environment has it.
fn compositing_setting(
    current: Option<std::ffi::OsString>,
) -> Option<(&'static str, &'static str)> {
    current.is_none().then_some(COMPOSITING_OFF)
}

/// Call first thing in `run`, before any thread starts: the environment is changed here.
pub fn draw_without_compositing() {
    if !cfg!(target_os = "linux") {
        return;
    }
    if let Some((name, value)) = compositing_setting(std::env::var_os(COMPOSITING_OFF.0)) {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_is_turned_off_unless_the_user_chose() {
        assert_eq!(compositing_setting(None), Some(COMPOSITING_OFF));
        assert_eq!(compositing_setting(Some("0".into())), None);
        assert_eq!(compositing_setting(Some("1".into())), None);
    }
}
