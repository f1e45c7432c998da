//! The Chronos desktop shell: thin adapters from `chronos-core` to Tauri.
//!
//! `build_app` holds what every runtime needs (state, commands) so the mock-runtime tests drive
//! the same commands as the app; `run` adds the desktop: plugins, window, tray, deep links.

pub mod autostart;
pub mod bridge;
pub mod clock;
pub mod commands;
pub mod deep_link;
pub mod demo;
pub mod engine;
pub mod error;
pub mod events;
pub mod launch_timing;
pub mod logging;
pub mod notify;
mod process_env;
pub mod reminders;
pub mod settings;
pub mod tray;
pub mod window;
pub mod window_place;

pub use chronos_core::launch::{self, Launch};
use settings::SettingsStore;
use tauri::{App, Builder, Manager, Runtime};

/// State and commands, for any runtime. Tauri runs the setup hook when the event loop starts;
/// mock-runtime tests, which never start it, call [`init_state`] themselves after `build`.
pub fn build_app<R: Runtime>(builder: Builder<R>, launch: Launch) -> Builder<R> {
    builder
        .manage(deep_link::PendingOpen::default())
        .setup(move |app| {
            init_state(app, &launch)?;
            if launch.desktop {
                init_desktop(app, &launch)?;
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::accounts::list_accounts,
            commands::accounts::connect_account,
            commands::accounts::reconnect_account,
            commands::accounts::disconnect_account,
            commands::calendars::list_calendars,
            commands::calendars::set_calendar_selected,
            commands::calendars::set_calendar_color,
            commands::calendars::event_colors,
            commands::events::events_in_range,
            commands::events::month_view,
            commands::events::create_event,
            commands::events::update_event,
            commands::events::move_event,
            commands::events::add_meet,
            commands::events::delete_event,
            commands::events::preview_series_edit,
            commands::outbox::list_pending_changes,
            commands::health::calendar_health,
            commands::events::series_delete_size,
            commands::health::sync_calendar,
            commands::health::download_calendar_again,
            commands::health::list_mass_deletions,
            commands::health::dismiss_mass_deletion,
            commands::health::restore_mass_deletion,
            commands::health::list_trash,
            commands::health::restore_trash_entry,
            commands::health::undo_status,
            commands::health::undo,
            commands::health::redo,
            commands::find::search_events,
            commands::find::quick_add_preview,
            commands::find::quick_add,
            commands::find::read_date,
            commands::outbox::retry_change,
            commands::outbox::discard_change,
            commands::outbox::list_conflicts,
            commands::outbox::resolve_conflict,
            commands::app::app_info,
            commands::recovery::local_reset_preview,
            commands::recovery::reset_local_copy,
            commands::app::take_pending_navigation,
            commands::app::first_month_shown,
            commands::app::search_shown,
            commands::app::open_logs_folder,
            commands::app::open_link,
            commands::settings::get_settings,
            commands::settings::resolved_locale,
            commands::settings::account_time_zone,
            commands::settings::set_settings,
            commands::view::get_last_view,
            commands::view::set_last_view,
            commands::sync::sync_now,
            commands::sync::sync_status,
        ])
}

/// Decides demo or Google, finds the data and log directories, loads settings, starts logging,
/// and puts it all in app state.
pub fn init_state<R: Runtime>(
    app: &mut App<R>,
    launch: &Launch,
) -> Result<(), Box<dyn std::error::Error>> {
    let paths = app.path();
    let run = launch.resolve(
        &paths.app_config_dir()?,
        paths.app_data_dir()?,
        paths.app_log_dir()?,
    )?;
    let (mode, data_dir, log_dir) = (&run.mode, &run.data_dir, &run.log_dir);
    let settings = SettingsStore::load(data_dir);
    if let Some(logs) = logging::init(log_dir, settings.get().log_level) {
        app.manage(logs);
    }
    tracing::info!(
        version = %app.package_info().version,
        demo = mode.is_demo(),
        data_dir = %data_dir.display(),
        "Chronos starting"
    );
    let interval = settings.get().sync_interval();
    app.manage(settings);
    let ui_state = chronos_core::ui_state::UiStateStore::load(data_dir);
    app.manage(window_place::LastPlace::new(ui_state.get().window));
    app.manage(ui_state);
    let clock = clock::AppClock::new(launch.clock);
    app.manage(clock.clone());
    let engine = tauri::async_runtime::block_on(engine::open(&run, interval, &clock));
    if let Ok(chronos) = engine.get() {
        demo::connect_at_start(chronos, &run.mode, launch.demo_autoconnect);
    }
    app.manage(run);
    app.manage(engine);
    bridge::start(app.handle());
    engine::start_background(app.handle());
    reminders::start(app.handle());
    Ok(())
}

fn init_desktop<R: Runtime>(
    app: &mut App<R>,
    launch: &Launch,
) -> Result<(), Box<dyn std::error::Error>> {
    let tray = tray::create(app.handle());
    // Started by the login item: into the tray, unless there is no tray to come back from.
    // Into the tray means no window at all until it is asked for.
    if !(launch.at_login() && tray.is_ok()) {
        window::create_main(app.handle())?;
    }
    match tray {
        Ok(tray) => {
            app.manage(tray);
            tray::refresh(app.handle());
        }
        // A desktop without a tray still gets a working window (and close really closes).
        Err(e) => tracing::warn!(error = %e, "no tray icon"),
    }
    // The login item follows the setting, also when it was removed or the app moved meanwhile.
    let at_login = app.state::<SettingsStore>().get().launch_at_login;
    autostart::apply(app.handle(), at_login);
    deep_links(app);
    // "synced 2 min ago" must age while nothing else changes.
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            tray::refresh(&handle);
        }
    });
    Ok(())
}

fn deep_links<R: Runtime>(app: &mut App<R>) {
    use tauri_plugin_deep_link::DeepLinkExt;
    // Linux and Windows learn the scheme at run time (the .deb's .desktop file declares it too).
    #[cfg(any(target_os = "linux", target_os = "windows"))]
    if let Err(e) = app.deep_link().register_all() {
        tracing::warn!(error = %e, "could not register the chronos:// scheme");
    }
    let handle = app.handle().clone();
    app.deep_link()
        .on_open_url(move |event| deep_link::handle(&handle, &event.urls()));
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        deep_link::handle(app.handle(), &urls);
    }
}

/// Starts the desktop app.
pub fn run() {
    launch_timing::mark_start();
    process_env::apply();
    // Tauri's own runtime would allow 512 blocking threads; the engine's syncs need a few.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(chronos_core::sync::blocking_threads())
        .build()
        .expect("tokio runtime");
    tauri::async_runtime::set(runtime.handle().clone());
    let builder = tauri::Builder::default()
        // First, so a second launch exits before any other plugin starts work. With the
        // `deep-link` feature it forwards a `chronos://` argument to the deep-link handler.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            let is_link = argv.iter().skip(1).any(|a| a.starts_with("chronos:"));
            tracing::info!(is_link, "a second launch was forwarded to this instance");
            if !is_link {
                window::show_main(app);
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![launch::ARG_AUTOSTART]),
        ))
        .on_window_event(|w, e| {
            if let tauri::WindowEvent::Destroyed = e {
                // The next page has a listener of its own to register.
                w.app_handle().state::<deep_link::PendingOpen>().page_gone();
            }
            window::on_window_event(w, e, has_tray(w.app_handle()))
        });
    let launch = match Launch::from_env() {
        Ok(launch) => launch,
        Err(e) => {
            eprintln!("chronos: {e}");
            std::process::exit(2);
        }
    };
    build_app(builder, launch)
        .build(tauri::generate_context!())
        .expect("error while building Chronos")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = &event {
                window_place::app_exiting(app);
            }
            // The last window closed (not Quit, which gives a code): stay in the tray if asked.
            if let tauri::RunEvent::ExitRequested {
                code: None, api, ..
            } = &event
            {
                if window::stays_in_tray(app, has_tray(app)) {
                    api.prevent_exit();
                }
            }
        });
}

fn has_tray(app: &tauri::AppHandle) -> bool {
    app.try_state::<tray::Tray<tauri::Wry>>().is_some()
}
