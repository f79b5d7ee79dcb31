//! Progress of a long dry run or sync on stderr: a bar (or a counter while the total is not
//! known yet) when stderr is a terminal, plain lines when forced elsewhere, nothing otherwise,
//! so that scripts and CI logs stay clean.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// When to show progress (`--progress`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressMode {
    /// Only when stderr is a terminal.
    #[default]
    Auto,
    /// Always: a bar on a terminal, a line every few seconds elsewhere.
    Always,
    /// Never.
    Never,
}

/// Plain progress lines are written at most this often.
const LINE_INTERVAL: Duration = Duration::from_secs(2);

pub struct Progress {
    style: Style,
    phase: String,
    bar: Option<ProgressBar>,
    last_line: Option<Instant>,
}

enum Style {
    Hidden,
    Bar,
    Lines,
}

impl Progress {
    pub fn new(mode: ProgressMode) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let style = match (mode, terminal) {
            (ProgressMode::Never, _) | (ProgressMode::Auto, false) => Style::Hidden,
            (_, true) => Style::Bar,
            (ProgressMode::Always, false) => Style::Lines,
        };
        Progress {
            style,
            phase: String::new(),
            bar: None,
            last_line: None,
        }
    }

    pub fn hidden() -> Progress {
        Progress::new(ProgressMode::Never)
    }

    /// The library's progress callback: `total` is 0 while it is not known.
    pub fn update(&mut self, phase: &str, done: u64, total: u64) {
        match self.style {
            Style::Hidden => {}
            Style::Bar => self.update_bar(phase, done, total),
            Style::Lines => {
                let new_phase = phase != self.phase;
                let due = self.last_line.is_none_or(|t| t.elapsed() >= LINE_INTERVAL);
                if new_phase || due || (total > 0 && done == total) {
                    match total {
                        0 => eprintln!("progress: {phase}: {done}"),
                        _ => eprintln!("progress: {phase}: {done}/{total}"),
                    }
                    self.phase = phase.to_string();
                    self.last_line = Some(Instant::now());
                }
            }
        }
    }

    fn update_bar(&mut self, phase: &str, done: u64, total: u64) {
        if phase != self.phase {
            self.finish();
            let bar = if total > 0 {
                ProgressBar::new(total).with_style(
                    ProgressStyle::with_template("{msg:>20} [{bar:40}] {pos}/{len} ({eta})")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                )
            } else {
                ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{msg:>20} {spinner} {pos} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                )
            };
            bar.set_message(phase.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            self.bar = Some(bar);
            self.phase = phase.to_string();
        }
        if let Some(bar) = &self.bar {
            if total > 0 {
                bar.set_length(total);
            }
            bar.set_position(done);
        }
    }

    /// Prints a line (a log record) without tearing the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Clears the bar; call before printing the report.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        self.phase.clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
