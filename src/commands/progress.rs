//! Terminal progress for long commands: an indicatif bar on stderr when stderr is a terminal,
//! nothing otherwise. Bad source lines are always printed on stderr as `line N: field: reason`.
//! It must never print on stdout (stdout carries command output only).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use tanu_index::builder::BuildProgress;
use tanu_index::source::LineError;

/// A progress reporter for index builds and batch runs.
pub struct TerminalProgress {
    bar: Mutex<Option<ProgressBar>>,
    enabled: bool,
}

impl TerminalProgress {
    pub fn new() -> Self {
        TerminalProgress {
            bar: Mutex::new(None),
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(guard) = self.bar.lock()
            && let Some(bar) = guard.as_ref()
        {
            f(bar);
        }
    }

    /// Close the current bar.
    pub fn finish(&self) {
        if let Ok(mut guard) = self.bar.lock()
            && let Some(bar) = guard.take()
        {
            bar.finish_and_clear();
        }
    }
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl BuildProgress for TerminalProgress {
    fn stage(&self, name: &str, total: u64) {
        self.finish();
        if !self.enabled {
            return;
        }
        let bar = if total > 0 {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "{prefix:>10} [{bar:40}] {human_pos}/{human_len} ({per_sec}, {eta})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            b
        } else {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template("{prefix:>10} {spinner} {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_prefix(name.to_string());
        if let Ok(mut guard) = self.bar.lock() {
            *guard = Some(bar);
        }
    }

    fn advance(&self, n: u64) {
        self.with_bar(|b| b.inc(n));
    }

    fn bad_line(&self, line: u64, error: &LineError) {
        let msg = format!("line {line}: {error}");
        let mut printed = false;
        self.with_bar(|b| {
            b.println(&msg);
            printed = true;
        });
        if !printed {
            eprintln!("{msg}");
        }
    }
}
