//! The results table (Markdown), with the date, the machine and the load model.

use serde_json::Value;

use crate::bound::{Bound, LoadSpec};
use crate::scenario::Scenario;

pub struct Row {
    pub name: &'static str,
    pub what: &'static str,
    pub users: usize,
    pub bound: Bound,
    /// (what the host measured, the emulator's statistics)
    pub test: Option<(Value, Value)>,
    pub sync: Option<(Value, Value)>,
    /// (seconds, the emulator's statistics)
    pub baseline: Option<(f64, Value)>,
    pub same_result: Option<bool>,
    pub signin: Option<Value>,
}

impl Row {
    pub fn new(scenario: &Scenario, bound: Bound) -> Row {
        Row {
            name: scenario.name,
            what: scenario.what,
            users: scenario.users,
            bound,
            test: None,
            sync: None,
            baseline: None,
            same_result: None,
            signin: None,
        }
    }
}

fn requests(stats: &Value) -> u64 {
    stats["requests"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0)
}

fn f(value: &Value) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

/// One line for the console while the benchmark runs.
pub fn row_line(row: &Row) -> String {
    if let Some(s) = &row.signin {
        return format!(
            "  {}: {:.0} sign-ins/s on one thread, {:.0} on two, sync running throughout: {}",
            row.name,
            f(&s["one_thread_per_s"]),
            f(&s["two_threads_per_s"]),
            s["sync_running_throughout"]
        );
    }
    let sync = row
        .sync
        .as_ref()
        .map(|(m, _)| f(&m["wall_s"]))
        .unwrap_or(f64::NAN);
    format!(
        "  {}: sync {:.2} s, lower bound {:.2} s, baseline {}",
        row.name,
        sync,
        row.bound.seconds,
        row.baseline
            .as_ref()
            .map(|b| format!("{:.2} s", b.0))
            .unwrap_or("-".into())
    )
}

pub fn render(rows: &[Row], load: &LoadSpec, quick: bool) -> String {
    let mut out = String::new();
    out.push_str("# Benchmark results\n\n");
    out.push_str(&format!(
        "Run {} on {} ({} cores), `cargo run --release -p google-ds-bench -- run{}`.\n\n",
        today(),
        cpu_model(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        if quick { " --quick" } else { "" }
    ));
    out.push_str(&format!(
        "Load model of the emulator: {} ms per response plus {} µs per KiB of response body, \
         at most {} requests per admin in any 60 s and {} in flight (refused beyond, as Google \
         refuses). The emulator runs in its own process; the host (which loads libgoogle_ds \
         through its C ABI and keeps the users in memory) in another, so peak RSS is the \
         whole host process.\n\n",
        load.fixed_latency_ms, load.per_kib_latency_us, load.quota_per_minute, load.max_concurrent
    ));
    out.push_str(
        "| scenario | users | ds_test s | ds_sync s | lower bound s | sync / bound | \
         emulator floor s | sync / floor | baseline s | baseline / sync | \
         requests ours / baseline | retries | quota errors | peak RSS test / sync MB | \
         CPU sync s | same users |\n",
    );
    out.push_str(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | \
         ---: | ---: | ---: | --- |\n",
    );
    for row in rows.iter().filter(|r| r.signin.is_none()) {
        let (Some((test, _)), Some((sync, sync_stats))) = (&row.test, &row.sync) else {
            continue;
        };
        let sync_s = f(&sync["wall_s"]);
        let ours_requests = requests(sync_stats);
        let quota = sync_stats["quota_errors"].as_u64().unwrap_or(0);
        let (baseline_s, speedup, baseline_requests) = match &row.baseline {
            Some((seconds, stats)) => (
                format!("{seconds:.2}"),
                format!("{:.2}×", seconds / sync_s),
                requests(stats).to_string(),
            ),
            None => ("-".into(), "-".into(), "-".into()),
        };
        out.push_str(&format!(
            "| {} ({}) | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} | {} / {} | {} | {} ({:.2} %) | {:.0} / {:.0} | {:.2} | {} |\n",
            row.name,
            row.what,
            row.users,
            f(&test["wall_s"]),
            sync_s,
            row.bound.seconds,
            sync_s / row.bound.seconds,
            row.bound.floor_s,
            sync_s / row.bound.floor_s,
            baseline_s,
            speedup,
            ours_requests,
            baseline_requests,
            sync["requests"]["retries"].as_u64().unwrap_or(0),
            quota,
            100.0 * quota as f64 / ours_requests.max(1) as f64,
            f(&test["peak_rss_mb"]),
            f(&sync["peak_rss_mb"]),
            f(&sync["cpu_s"]),
            match row.same_result {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            }
        ));
    }
    out.push_str("\nLower bound: the longest of (a) the token request plus the longest chain of pages that must follow one another, priced by the load model at the size of pages that carry only the fields a sync needs; (b) all requests' latency spread over the requests allowed in flight; (c) the fewest requests at the quota. ");
    for row in rows.iter().filter(|r| r.signin.is_none()) {
        let b = &row.bound;
        out.push_str(&format!(
            "{}: chain of {} pages {:.2} s, concurrency {:.2} s, quota {:.2} s, {} requests. ",
            row.name, b.chain_pages, b.chain_s, b.concurrency_s, b.quota_s, b.requests
        ));
    }
    out.push_str(
        "\n\nEmulator floor: the same listings fetched against the emulator with its load \
         model on by the simplest fast client (a token, then every listing as many at once as \
         the model allows, each page requested as soon as the previous one's token is read, \
         nothing else done). The emulator's timer and its own work add to the model's latency, \
         so the floor is above the bound; the connector's time over the floor is its own \
         overhead (parsing, planning, and for ds_sync the delivery of every change to the \
         host).\n",
    );
    for row in rows.iter().filter(|r| r.signin.is_some()) {
        let s = row.signin.as_ref().unwrap();
        out.push_str(&format!(
            "\n{} ({}, {} users): {:.0} ID-token verifications a second on one thread, {:.0} on \
             two, with warm caches, while a sync of the whole tenant ran on the same handle \
             (sync still running at the end of both measurements: {}); peak RSS {:.0} MB.\n",
            row.name,
            row.what,
            row.users,
            f(&s["one_thread_per_s"]),
            f(&s["two_threads_per_s"]),
            s["sync_running_throughout"],
            f(&s["peak_rss_mb"])
        ));
    }
    out
}

fn today() -> String {
    std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "an unknown CPU".into())
}
