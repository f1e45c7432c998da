//! Bench binary: how fast the emulator serves events.list pages of 2,500 events from a
//! 20-calendar × 5,000-event world, over real HTTP on 127.0.0.1, against a baseline of a tiny
//! request (colors.get) measured in the same run. Also reports world load time and resident memory.
//!
//! Run: `cargo bench -p gcal-emulator --bench serve_page`

use std::time::{Duration, Instant};

use gcal_emulator::{EmulatorConfig, GenSpec, World};

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn stats(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[v.len() * 95 / 100]), ms(v[0]))
}

#[tokio::main]
async fn main() {
    let rss0 = rss_mb();
    let t = Instant::now();
    let world = World::generate(GenSpec {
        seed: 11,
        accounts: 1,
        calendars_per_account: 20,
        events_per_calendar: 5000,
        ..GenSpec::default()
    });
    let gen = t.elapsed();
    let rss_world = rss_mb();
    let t = Instant::now();
    let emu = gcal_emulator::start(EmulatorConfig {
        world,
        ..EmulatorConfig::default()
    })
    .await
    .expect("starts");
    let load = t.elapsed();
    let rss1 = rss_mb();
    let ctl = emu.control();
    let acc = ctl.accounts()[0].clone();
    let token = ctl.mint_tokens(&acc.email).unwrap().access_token;
    let http = reqwest::Client::new();
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };

    let get = |url: String| {
        let http = http.clone();
        let token = token.clone();
        async move {
            let t = Instant::now();
            let r = http.get(url).bearer_auth(token).send().await.unwrap();
            let headers_at = t.elapsed();
            assert!(r.status().is_success());
            let body = r.bytes().await.unwrap();
            (t.elapsed(), body, headers_at)
        }
    };

    // Warm-up.
    for _ in 0..5 {
        get(format!("{}colors", emu.api_base())).await;
    }
    let mut base = Vec::new();
    for _ in 0..200 {
        base.push(get(format!("{}colors", emu.api_base())).await.0);
    }

    // Full sync of every calendar in pages of 2,500 (two pages each).
    let mut pages = Vec::new();
    let mut heads = Vec::new();
    let mut bytes = 0usize;
    let mut events = 0usize;
    let t_all = Instant::now();
    for round in 0..3 {
        for cal in &acc.calendars {
            let mut token_q = String::new();
            loop {
                let (d, body, h) = get(format!(
                    "{}calendars/{}/events?maxResults=2500{token_q}",
                    emu.api_base(),
                    enc(cal)
                ))
                .await;
                pages.push(d);
                heads.push(h);
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                if round == 0 {
                    bytes += body.len();
                    events += v["items"].as_array().unwrap().len();
                }
                match v.get("nextPageToken").and_then(|t| t.as_str()) {
                    Some(p) => token_q = format!("&pageToken={}", enc(p)),
                    None => break,
                }
            }
        }
    }
    let all = t_all.elapsed();

    // The same pages over a bare TCP socket (no HTTP client library): first byte and last byte.
    let mut raw_first = Vec::new();
    let mut raw_total = Vec::new();
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = emu.base_url().trim_start_matches("http://").to_owned();
        for cal in acc.calendars.iter() {
            let req = format!(
                "GET /calendar/v3/calendars/{}/events?maxResults=2500 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
                enc(cal)
            );
            let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
            sock.set_nodelay(true).unwrap();
            let t = Instant::now();
            sock.write_all(req.as_bytes()).await.unwrap();
            let mut buf = vec![0u8; 1 << 20];
            let n = sock.read(&mut buf).await.unwrap();
            raw_first.push(t.elapsed());
            let mut total = n;
            loop {
                let n = sock.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                total += n;
            }
            raw_total.push(t.elapsed());
            assert!(total > 1_000_000);
        }
    }
    let (r50, _, rmin) = stats(raw_first);
    let (t50, _, tmin) = stats(raw_total);

    // Server side only: building the 2,500-event answer in process (lock, scan, copy, envelope).
    let mut inproc = Vec::new();
    let mut second_page_q = String::new();
    for (i, cal) in acc.calendars.iter().enumerate() {
        let t = Instant::now();
        let body = ctl
            .list_events_json(cal, "maxResults=2500&showDeleted=true&singleEvents=false")
            .unwrap();
        inproc.push(t.elapsed());
        if i == 0 {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            second_page_q = format!(
                "maxResults=2500&showDeleted=true&pageToken={}",
                enc(v["nextPageToken"].as_str().unwrap())
            );
        }
    }
    for _ in 0..20 {
        let t = Instant::now();
        ctl.list_events_json(&acc.calendars[0], &second_page_q)
            .unwrap();
        inproc.push(t.elapsed());
    }
    let (i50, i95, imin) = stats(inproc);

    // Expanded listing of one calendar (singleEvents, ordered by start).
    let mut single_first = Vec::new();
    let mut single_next = Vec::new();
    for cal in acc.calendars.iter().take(5) {
        let mut token_q = String::new();
        loop {
            let (d, body, _) = get(format!("{}calendars/{}/events?maxResults=2500&singleEvents=true&orderBy=startTime{token_q}", emu.api_base(), enc(cal))).await;
            if token_q.is_empty() {
                single_first.push(d)
            } else {
                single_next.push(d)
            }
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            match v.get("nextPageToken").and_then(|t| t.as_str()) {
                Some(p) => token_q = format!("&pageToken={}", enc(p)),
                None => break,
            }
        }
    }

    let (b50, b95, bmin) = stats(base);
    let (p50, p95, pmin) = stats(pages.clone());
    let (h50, h95, hmin) = stats(heads);
    let (s50, s95, _) = stats(single_first);
    let (n50, n95, _) = stats(single_next);
    println!("world: 20 calendars x 5000 events; generated in {:.2} s, loaded in {:.2} s; RSS {:.0} MB at start, {:.0} MB with the generated world, {:.0} MB serving (allocator keeps freed pages)", gen.as_secs_f64(), load.as_secs_f64(), rss0, rss_world, rss1);
    println!("in-process answer of a 2,500-event page: median {i50:.3} ms  p95 {i95:.3} ms  min {imin:.3} ms");
    println!(
        "baseline colors.get:             median {b50:.3} ms  p95 {b95:.3} ms  min {bmin:.3} ms"
    );
    println!("events.list page (2,500 events): median {p50:.3} ms  p95 {p95:.3} ms  min {pmin:.3} ms  ({} pages, {:.1} MB per full pass, {} events)", pages.len(), bytes as f64 / 1e6, events);
    println!("  of which until the response headers: median {h50:.3} ms  p95 {h95:.3} ms  min {hmin:.3} ms (the rest is moving ~2.3 MB through the loopback into the client)");
    println!("  same page over a bare socket: first byte median {r50:.3} ms (min {rmin:.3}), whole answer median {t50:.3} ms (min {tmin:.3})");
    println!("  ratio page/baseline (median): {:.1}x", p50 / b50);
    println!(
        "  full sync of all 20 calendars: {:.0} ms per pass (incl. client JSON parse)",
        all.as_secs_f64() * 1000.0 / 3.0
    );
    println!("singleEvents=true&orderBy=startTime, first page (expands the calendar): median {s50:.3} ms  p95 {s95:.3} ms");
    println!("singleEvents=true&orderBy=startTime, later pages:                       median {n50:.3} ms  p95 {n95:.3} ms");
    emu.shutdown().await;
}
