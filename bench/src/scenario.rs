//! The scenarios and the run of each: emulator, lower bound, ds_test, ds_sync, baseline and
//! sign-ins, each measured in a process of its own.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::baseline;
use crate::bound::{self, Bound, Listings, LoadSpec};
use crate::process::{run_host, EmulatorProcess};
use crate::table::{self, Row};

#[derive(clap::Args)]
pub struct RunArgs {
    /// Small tenants only (1k and 10k users): a check that everything works, in a minute.
    #[arg(long)]
    quick: bool,
    /// Run only these scenarios (names as in the table, e.g. S1-100k,S2).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// The load model: fixed latency of every response, in milliseconds.
    #[arg(long, default_value_t = 20.0)]
    latency_ms: f64,
    /// The load model: latency per KiB of (uncompressed) response, in microseconds.
    #[arg(long, default_value_t = 200.0)]
    per_kib_us: f64,
    /// The load model: requests per admin in any 60 seconds (Google's quota).
    #[arg(long, default_value_t = 2400)]
    quota_per_minute: u32,
    /// The load model: requests one admin may have in flight.
    #[arg(long, default_value_t = 10)]
    max_concurrent: u32,
    /// Skip the official-client baseline.
    #[arg(long)]
    no_baseline: bool,
    /// Where to write the table (default: bench/results.md, or bench/work/results-quick.md
    /// with --quick).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The shared library (default: beside this program, as cargo builds it).
    #[arg(long)]
    lib: Option<PathBuf>,
}

pub struct Scenario {
    pub name: &'static str,
    pub what: &'static str,
    pub users: usize,
    pub groups: usize,
    pub domains: usize,
    /// Sync these many groups (`scope.groups`) instead of everyone.
    pub pick_groups: usize,
    /// List each domain (`scope.domains`) instead of the customer.
    pub by_domain: bool,
    /// Measure sign-ins while a sync runs.
    pub signin: bool,
}

fn scenarios(quick: bool) -> Vec<Scenario> {
    let scale = |n: usize| if quick { n / 10 } else { n };
    let s = |name, what, users, groups, domains, pick_groups, by_domain, signin| Scenario {
        name,
        what,
        users,
        groups,
        domains,
        pick_groups,
        by_domain,
        signin,
    };
    let mut list = vec![
        s(
            "S1-1k",
            "whole tenant, one domain",
            1_000,
            50,
            1,
            0,
            false,
            false,
        ),
        s(
            "S1-10k",
            "whole tenant, one domain",
            10_000,
            200,
            1,
            0,
            false,
            false,
        ),
    ];
    if !quick {
        list.push(s(
            "S1-100k",
            "whole tenant, one domain",
            100_000,
            2_000,
            1,
            0,
            false,
            false,
        ));
    }
    list.push(s(
        "S2",
        "only 100 of 2,000 nested groups",
        scale(100_000),
        scale(2_000),
        1,
        100,
        false,
        false,
    ));
    list.push(s(
        "S3",
        "five domains",
        scale(100_000),
        scale(2_000),
        5,
        0,
        true,
        false,
    ));
    // Sign-ins are measured while a sync runs, so S4 needs a sync longer than its two
    // measurements: the full tenant even in a quick run.
    list.push(s(
        "S4",
        "sign-ins while a sync runs",
        100_000,
        2_000,
        1,
        0,
        false,
        true,
    ));
    list
}

pub fn run(args: RunArgs) -> Result<(), String> {
    let load = LoadSpec {
        fixed_latency_ms: args.latency_ms,
        per_kib_latency_us: args.per_kib_us,
        quota_per_minute: args.quota_per_minute,
        max_concurrent: args.max_concurrent,
    };
    let lib = args
        .lib
        .clone()
        .unwrap_or_else(host_example::library::default_path);
    let python = if args.no_baseline {
        None
    } else {
        Some(baseline::python()?)
    };
    let mut rows = Vec::new();
    for scenario in scenarios(args.quick) {
        if !args.only.is_empty() && !args.only.iter().any(|o| o == scenario.name) {
            continue;
        }
        eprintln!(
            "bench: {} ({} users, {})",
            scenario.name, scenario.users, scenario.what
        );
        rows.push(run_one(&scenario, &load, &lib, python.as_deref())?);
        eprintln!("{}", table::row_line(rows.last().unwrap()));
    }
    // A quick run does not replace the committed results of a full one.
    let out = args.out.unwrap_or_else(|| {
        if args.quick {
            crate::work_dir().join("results-quick.md")
        } else {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results.md")
        }
    });
    let text = table::render(&rows, &load, args.quick);
    std::fs::write(&out, &text).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("{text}");
    eprintln!("bench: written to {}", out.display());
    Ok(())
}

fn run_one(
    scenario: &Scenario,
    load: &LoadSpec,
    lib: &std::path::Path,
    python: Option<&std::path::Path>,
) -> Result<Row, String> {
    let dir = crate::work_dir().join(scenario.name);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let emulator = EmulatorProcess::start(&[
        format!("--users={}", scenario.users),
        format!("--groups={}", scenario.groups),
        format!("--domains={}", scenario.domains),
        format!("--pick-groups={}", scenario.pick_groups),
        format!("--dir={}", dir.display()),
    ])?;
    let strings = |key: &str| -> Vec<String> {
        emulator.info[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    let groups = strings("groups");
    let domains = if scenario.by_domain {
        strings("domains")
    } else {
        Vec::new()
    };

    let mut config = emulator.info["config"].clone();
    config["log_level"] = json!("warn");
    if !groups.is_empty() {
        config["scope"] = json!({"groups": groups});
    }
    if !domains.is_empty() {
        config["scope"] = json!({"domains": domains});
    }
    let config_path = dir.join("connector.json");
    std::fs::write(&config_path, config.to_string()).map_err(|e| e.to_string())?;

    let bound = if scenario.signin {
        Bound::default()
    } else {
        bound::lower_bound(
            &emulator,
            load,
            &Listings {
                domains: &domains,
                groups: &groups,
            },
        )?
    };
    control(&emulator, "PUT", "load", load.as_emulator_json())?;
    let mut bound = bound;
    if !scenario.signin {
        let listings = Listings {
            domains: &domains,
            groups: &groups,
        };
        bound.floor_s = bound::floor(&emulator, load, &listings)?;
    }

    let host = |mode: &str, extra: &[String]| -> Result<(Value, Value), String> {
        control(&emulator, "POST", "stats/reset", Value::Null)?;
        let mut args = vec![
            format!("--lib={}", lib.display()),
            format!("--config={}", config_path.display()),
            format!("--mode={mode}"),
        ];
        args.extend_from_slice(extra);
        let measured = run_host(&args)?;
        Ok((measured, control(&emulator, "GET", "stats", Value::Null)?))
    };

    let mut row = Row::new(scenario, bound);
    if scenario.signin {
        let (measured, _) = host(
            "signin",
            &[
                format!(
                    "--id-token={}",
                    emulator.info["id_token"].as_str().unwrap_or("")
                ),
                format!("--nonce={}", emulator.info["nonce"].as_str().unwrap_or("")),
            ],
        )?;
        row.signin = Some(measured);
        return Ok(row);
    }
    row.test = Some(host("test", &[])?);
    let ids_file = dir.join("ours.ids");
    row.sync = Some(host(
        "sync",
        &[format!("--ids-out={}", ids_file.display())],
    )?);

    if let Some(python) = python {
        control(&emulator, "POST", "stats/reset", Value::Null)?;
        let run = baseline::run_baseline(
            python,
            &emulator,
            &domains,
            &groups,
            &dir.join("baseline.json"),
        )?;
        let stats = control(&emulator, "GET", "stats", Value::Null)?;
        let ours = std::fs::read_to_string(&ids_file).map_err(|e| e.to_string())?;
        let ours: Vec<&str> = ours.lines().collect();
        row.same_result = Some(ours == run.ids.iter().map(String::as_str).collect::<Vec<_>>());
        row.baseline = Some((run.seconds, stats));
    }
    Ok(row)
}

/// A call to the emulator's control API.
fn control(
    emulator: &EmulatorProcess,
    method: &str,
    path: &str,
    body: Value,
) -> Result<Value, String> {
    let client = reqwest::blocking::Client::new();
    let url = format!("{}/_emulator/{path}", emulator.base_url());
    let request = match method {
        "GET" => client.get(url),
        "POST" => client.post(url).json(&body),
        _ => client.put(url).json(&body),
    };
    let response = request.send().map_err(|e| format!("control {path}: {e}"))?;
    let status = response.status();
    let text = response.text().unwrap_or_default();
    if !status.is_success() {
        return Err(format!("control {path}: {status} {text}"));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}
