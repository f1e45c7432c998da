use super::*;

#[test]
fn demo_unless_a_client_is_configured() {
    let dir = tempfile::tempdir().unwrap();
    assert!(decide_mode(&[], None, None, &ServerFile::default(), dir.path()).is_demo());
    assert!(decide_mode(
        &[],
        Some("  ".into()),
        None,
        &ServerFile::default(),
        dir.path()
    )
    .is_demo());
    let m = decide_mode(
        &[],
        Some("id.apps.googleusercontent.com".into()),
        None,
        &ServerFile::default(),
        dir.path(),
    );
    assert!(matches!(m, Mode::Google(c) if c.client_id == "id.apps.googleusercontent.com"));
    let args = vec!["chronos".to_string(), "--demo".to_string()];
    assert!(decide_mode(
        &args,
        Some("id".into()),
        None,
        &ServerFile::default(),
        dir.path()
    )
    .is_demo());
}

#[test]
fn reads_the_client_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(CLIENT_FILE),
        r#"{"clientId": "file-id", "clientSecret": "s3cret"}"#,
    )
    .unwrap();
    let m = decide_mode(&[], None, None, &ServerFile::default(), dir.path());
    let Mode::Google(c) = m else {
        panic!("expected Google mode")
    };
    assert_eq!(c.client_id, "file-id");
    assert_eq!(c.client_secret.as_deref(), Some("s3cret"));
    assert!(
        !format!("{c:?}").contains("s3cret"),
        "the secret must not reach logs"
    );
}

#[test]
fn the_login_item_is_told_apart_by_its_argument() {
    let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(started_at_login(&args(&["chronos", "--autostart"])));
    assert!(started_at_login(&args(&[
        "chronos",
        "--demo",
        "--autostart"
    ])));
    assert!(!started_at_login(&args(&["chronos"])));
    assert!(!started_at_login(&args(&["chronos", "chronos://sync"])));
    // The program's own name is not an argument.
    assert!(!started_at_login(&args(&["--autostart"])));
}

#[test]
fn demo_data_lives_apart() {
    let base = PathBuf::from("/data");
    assert_eq!(
        data_dir(None, base.clone(), &Mode::Demo),
        PathBuf::from("/data/demo")
    );
    let google = Mode::Google(GoogleClient {
        client_id: "x".into(),
        client_secret: None,
        server: ServerFile::default(),
    });
    assert_eq!(data_dir(None, base.clone(), &google), base);
    assert_eq!(
        data_dir(Some("/tmp/t".into()), base, &Mode::Demo),
        PathBuf::from("/tmp/t/demo")
    );
}

#[test]
fn another_server_from_its_file_with_its_own_client_and_data() {
    let config = tempfile::tempdir().unwrap();
    assert_eq!(
        load_server(None, config.path()).unwrap(),
        ServerFile::default(),
        "no file: Google"
    );
    std::fs::write(
        config.path().join(SERVER_FILE),
        r#"{"apiBase": "http://127.0.0.1:7000/calendar/v3", "authUrl": "http://127.0.0.1:7000/auth",
            "redirectPort": 8765, "clientId": "their-client", "clientSecret": "their-secret"}"#,
    )
    .unwrap();
    let server = load_server(None, config.path()).unwrap();
    let Mode::Google(c) = decide_mode(&[], None, None, &server, config.path()) else {
        panic!("a server file with a client is a configured client")
    };
    assert_eq!(
        (c.client_id.as_str(), c.client_secret.as_deref()),
        ("their-client", Some("their-secret"))
    );
    let endpoints = c.endpoints();
    assert_eq!(endpoints.api_base, "http://127.0.0.1:7000/calendar/v3");
    assert_eq!(endpoints.auth_url, "http://127.0.0.1:7000/auth");
    assert_eq!(endpoints.token_url, GoogleEndpoints::default().token_url);
    assert_eq!(c.server.redirect_port.map(|p| p.get()), Some(8765));
    let mode = Mode::Google(c);
    assert_eq!(
        data_dir(None, PathBuf::from("/data"), &mode),
        PathBuf::from("/data/servers/127.0.0.1_7000"),
        "another server's copy never mixes with Google's"
    );
    // The environment's client wins over the file's.
    let Mode::Google(c) = decide_mode(&[], Some("env-id".into()), None, &server, config.path())
    else {
        panic!("expected Google mode")
    };
    assert_eq!((c.client_id.as_str(), c.client_secret), ("env-id", None));

    let named = config.path().join("elsewhere.json");
    let e = load_server(Some(&named), config.path()).unwrap_err();
    assert!(e.to_string().contains("elsewhere.json"), "{e}");
    std::fs::write(&named, r#"{"tokenURL": "http://x"}"#).unwrap();
    let e = load_server(Some(&named), config.path()).unwrap_err();
    assert!(
        e.to_string().contains("tokenURL"),
        "a misspelt key is named: {e}"
    );
}

#[test]
fn a_demo_reset_removes_the_store_and_its_journals_only() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        STORE_FILE.to_owned(),
        format!("{STORE_FILE}-wal"),
        "settings.json".into(),
    ] {
        std::fs::write(dir.path().join(name), b"x").unwrap();
    }
    reset_demo_store(dir.path()).unwrap();
    assert!(!dir.path().join(STORE_FILE).exists());
    assert!(!dir.path().join(format!("{STORE_FILE}-wal")).exists());
    assert!(dir.path().join("settings.json").exists(), "settings stay");
    reset_demo_store(dir.path()).expect("nothing to remove is fine");
}

#[test]
fn a_test_run_keeps_its_data_and_logs_in_its_own_directory() {
    let (config, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let launch = Launch {
        args: vec!["chronos".into()],
        data_dir: Some(data.path().to_path_buf()),
        ..Launch::default()
    };
    let place = launch
        .resolve(
            config.path(),
            "/nowhere/data".into(),
            "/nowhere/logs".into(),
        )
        .unwrap();
    assert!(place.mode.is_demo());
    assert_eq!(place.data_dir, data.path().join("demo"));
    assert_eq!(place.log_dir, data.path().join("demo/logs"));
    assert!(place.data_dir.is_dir());
    assert!(!launch.at_login());
}
