//! Gives the memory a large read freed back to the system. glibc keeps what a thread freed in
//! that thread's arena for reuse, so a process that once read a busy month of a big store would
//! stay that large for the rest of the day in the tray; `malloc_trim` releases the free pages of
//! every arena.

/// Returns freed pages to the system shortly after the caller's work (by then its answer has
/// been sent and its buffers dropped), off the caller's path; calls close together share one
/// trim. A no-op where the allocator is not glibc's.
pub(crate) fn return_freed_later() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    glibc::schedule();
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod glibc {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    static SCHEDULED: AtomicBool = AtomicBool::new(false);
    const AFTER: Duration = Duration::from_millis(500);

    pub(super) fn schedule() {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if SCHEDULED.swap(true, Ordering::AcqRel) {
            return;
        }
        rt.spawn(async {
            tokio::time::sleep(AFTER).await;
            SCHEDULED.store(false, Ordering::Release);
            let _ = tokio::task::spawn_blocking(|| {
                // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no
                // pointers from us and may be called from any thread at any time.
                unsafe {
                    libc::malloc_trim(0);
                }
            })
            .await;
        });
    }
}
