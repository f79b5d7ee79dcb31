//! The baseline in the same run: Google's official Python client, installed by the benchmark
//! into a virtual environment of its own (bench/work/venv), against the same emulator.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::process::EmulatorProcess;

#[derive(Deserialize)]
pub struct BaselineRun {
    pub ids: Vec<String>,
    pub seconds: f64,
}

/// The environment's Python, installing the client into it on first use.
pub fn python() -> Result<PathBuf, String> {
    let venv = crate::work_dir().join("venv");
    let python = venv.join("bin").join("python");
    let ready = Command::new(&python)
        .args([
            "-c",
            "import googleapiclient.discovery, google.oauth2.service_account",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready {
        return Ok(python);
    }
    eprintln!(
        "bench: installing google-api-python-client and google-auth into {}",
        venv.display()
    );
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(venv.join("bin").join("pip")).args([
        "install",
        "--quiet",
        "google-api-python-client",
        "google-auth",
    ]))?;
    Ok(python)
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

pub fn run_baseline(
    python: &Path,
    emulator: &EmulatorProcess,
    domains: &[String],
    groups: &[String],
    out: &Path,
) -> Result<BaselineRun, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("baseline.py");
    let info = &emulator.info;
    run(Command::new(python)
        .arg(script)
        .args(["--base-url", emulator.base_url()])
        .args(["--key-file", info["key_file"].as_str().unwrap_or_default()])
        .args(["--admin", info["admin"].as_str().unwrap_or_default()])
        .args(["--domains", &domains.join(",")])
        .args(["--groups", &groups.join(",")])
        .arg("--out")
        .arg(out))?;
    let text = std::fs::read_to_string(out).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}
