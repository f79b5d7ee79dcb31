//! The measured host: loads the library through its C ABI (as host-example does), runs one
//! `ds_test`, one `ds_sync` into an in-memory user store, or sign-ins while a sync runs, and
//! prints one JSON line with what it measured of itself (wall time, CPU time, peak RSS).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use host_example::hooks::StoreHooks;
use host_example::library::{Applied, Change, Hooks, Library, RunFlags};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    lib: PathBuf,
    #[arg(long)]
    config: PathBuf,
    /// test, sync or signin.
    #[arg(long)]
    mode: String,
    /// sync: write the Google ids of the synced users here, one per line, sorted.
    #[arg(long)]
    ids_out: Option<PathBuf>,
    /// signin: the ID token to verify, and its nonce.
    #[arg(long)]
    id_token: Option<String>,
    #[arg(long)]
    nonce: Option<String>,
    /// signin: seconds to measure each thread count.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
}

/// The parts of the report the benchmark reads; the list of changes is skipped unread.
#[derive(Deserialize)]
struct ReportHead {
    complete: bool,
    counts: Value,
    requests: Value,
    duration_ms: u64,
}

/// The host's side of a sync as an archive server does it: each user goes to its database
/// (here: nothing), and only the Google id is kept, to compare with the baseline's users.
#[derive(Default)]
struct IdsHost {
    ids: Vec<String>,
}

impl Hooks for IdsHost {
    fn apply(&mut self, change: &Change) -> Applied {
        self.ids.push(change.google_id.clone());
        Applied::Ok
    }
}

struct Usage {
    cpu_s: f64,
    peak_rss_mb: f64,
}

fn usage() -> Usage {
    // SAFETY: getrusage writes into the struct we pass.
    let mut raw: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut raw) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Usage {
        cpu_s: seconds(raw.ru_utime) + seconds(raw.ru_stime),
        // Linux reports kilobytes.
        peak_rss_mb: raw.ru_maxrss as f64 / 1024.0,
    }
}

pub fn run(args: Args) -> Result<(), String> {
    let lib = Library::load(&args.lib)?;
    let config = std::fs::read_to_string(&args.config).map_err(|e| e.to_string())?;
    let connector = lib.configure(&config).map_err(|e| e.to_string())?;
    let line = match args.mode.as_str() {
        "test" | "sync" => {
            let apply = args.mode == "sync";
            let mut host = IdsHost::default();
            let started = Instant::now();
            let outcome = if apply {
                connector.run_raw(true, &[], RunFlags::default(), &mut host)
            } else {
                connector.run_raw(false, &[], RunFlags::default(), &mut StoreHooks::dry_run())
            };
            let wall_s = started.elapsed().as_secs_f64();
            let used = usage();
            let report = outcome.report.ok_or_else(|| {
                format!(
                    "{}: {}",
                    outcome.status_name,
                    outcome.error.unwrap_or_default()
                )
            })?;
            let head: ReportHead = serde_json::from_str(&report).map_err(|e| e.to_string())?;
            drop(report);
            if let Some(path) = &args.ids_out {
                host.ids.sort_unstable();
                std::fs::write(path, host.ids.join("\n")).map_err(|e| e.to_string())?;
            }
            json!({
                "mode": args.mode,
                "status": outcome.status_name,
                "complete": head.complete,
                "wall_s": wall_s,
                "library_ms": head.duration_ms,
                "cpu_s": used.cpu_s,
                "peak_rss_mb": used.peak_rss_mb,
                "counts": head.counts,
                "requests": head.requests,
                "host_users": host.ids.len(),
            })
        }
        "signin" => signin(&connector, &args)?,
        other => return Err(format!("unknown mode {other}")),
    };
    println!("{line}");
    Ok(())
}

/// ID-token verifications per second, on one thread and then two, while a sync of the whole
/// tenant runs on another thread of the same handle.
fn signin(connector: &host_example::library::Connector<'_>, args: &Args) -> Result<Value, String> {
    let request = json!({
        "id_token": args.id_token.as_deref().ok_or("--id-token is required")?,
        "nonce": args.nonce.as_deref().unwrap_or(""),
    });
    // The dry run teaches the handle who is who; one sign-in warms the key caches.
    let warm = connector.run_raw(false, &[], RunFlags::default(), &mut StoreHooks::dry_run());
    if warm.status != 0 {
        return Err(format!("dry run: {}", warm.error.unwrap_or_default()));
    }
    let first = connector.authenticate(&request, None);
    if first.status != 0 {
        return Err(format!("sign-in: {} {:?}", first.status_name, first.result));
    }

    let sync_running = AtomicBool::new(true);
    let window = Duration::from_secs_f64(args.seconds);
    let mut rates = Vec::new();
    let mut overlapped = true;
    std::thread::scope(|scope| {
        scope.spawn(|| {
            connector.run_raw(true, &[], RunFlags::default(), &mut IdsHost::default());
            sync_running.store(false, Ordering::SeqCst);
        });
        // Let the sync get going.
        std::thread::sleep(Duration::from_millis(300));
        for threads in [1usize, 2] {
            let done = AtomicU64::new(0);
            let refused = AtomicU64::new(0);
            let started = Instant::now();
            std::thread::scope(|inner| {
                for _ in 0..threads {
                    inner.spawn(|| {
                        while started.elapsed() < window {
                            let answer = connector.authenticate(&request, None);
                            if answer.status == 0 {
                                done.fetch_add(1, Ordering::Relaxed);
                            } else {
                                refused.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    });
                }
            });
            let elapsed = started.elapsed().as_secs_f64();
            overlapped &= sync_running.load(Ordering::SeqCst);
            rates.push((
                threads,
                done.load(Ordering::Relaxed) as f64 / elapsed,
                refused.load(Ordering::Relaxed),
            ));
        }
    });
    let used = usage();
    Ok(json!({
        "mode": "signin",
        "one_thread_per_s": rates[0].1,
        "two_threads_per_s": rates[1].1,
        "refused": rates[0].2 + rates[1].2,
        "sync_running_throughout": overlapped,
        "cpu_s": used.cpu_s,
        "peak_rss_mb": used.peak_rss_mb,
    }))
}
