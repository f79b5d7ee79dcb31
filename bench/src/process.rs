//! Child processes of the benchmark: this same program in another role, and Python.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};

use serde_json::Value;

/// A running emulator process; it stops when this is dropped (its stdin closes).
pub struct EmulatorProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    pub info: Value,
}

impl EmulatorProcess {
    pub fn start(args: &[String]) -> Result<EmulatorProcess, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg("emulator")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let info: Value = serde_json::from_str(&line)
            .map_err(|e| format!("the emulator did not start ({e}): {line}"))?;
        Ok(EmulatorProcess { child, stdin, info })
    }

    pub fn base_url(&self) -> &str {
        self.info["base_url"].as_str().unwrap_or("")
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if self.child.try_wait().ok().flatten().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(200));
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Runs this program as the measured host and returns the JSON line it printed.
pub fn run_host(args: &[String]) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(exe)
        .arg("host")
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start the host: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or("");
    if !output.status.success() {
        return Err(format!("the host failed ({}): {text}", output.status));
    }
    serde_json::from_str(line).map_err(|e| format!("unreadable host output ({e}): {line}"))
}
