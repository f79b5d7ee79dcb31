//! Readable output of a report: counts, then the changes as a table.

use serde_json::Value;

/// How many rows of each kind the table shows before it summarises the rest.
pub const ROWS_PER_KIND: usize = 10;

pub fn summary(report: &Value) -> String {
    let c = &report["counts"];
    let n = |key: &str| c[key].as_u64().unwrap_or(0);
    let mut out = format!(
        "  listed {} Google user(s), {} in scope: {} to create, {} to update, {} unchanged, {} to \
         delete",
        n("listed"),
        n("in_scope"),
        n("create"),
        n("update"),
        n("unchanged"),
        n("delete")
    );
    if n("conflicts") > 0 {
        out.push_str(&format!(", {} conflict(s)", n("conflicts")));
    }
    if n("kept") > 0 {
        out.push_str(&format!(", {} kept", n("kept")));
    }
    if report["mode"] == "sync" {
        out.push_str(&format!(
            "\n  delivered: {} applied, {} failed, {} not delivered",
            n("applied"),
            n("failed"),
            n("not_delivered")
        ));
    }
    let requests = &report["requests"];
    out.push_str(&format!(
        "\n  {} request(s) to Google, {} retr(ies), {} ms",
        requests["requests"].as_u64().unwrap_or(0),
        requests["retries"].as_u64().unwrap_or(0),
        report["duration_ms"].as_u64().unwrap_or(0)
    ));
    if report["complete"] == false {
        out.push_str(
            "\n  INCOMPLETE: a listing failed or a user to delete was still in Google, so \
             nothing is deleted in this run",
        );
    }
    for check in report["checks"].as_array().into_iter().flatten() {
        if check["ok"] == false {
            out.push_str(&format!(
                "\n  check failed: {}: {}",
                text(&check["name"]),
                text(&check["message"])
            ));
        }
    }
    if let Some(reason) = report["deletions_held_back"].as_str() {
        out.push_str(&format!(
            "\n  deletions held back: {}; --force-deletions applies them",
            clean(reason)
        ));
    }
    let shown = |list: &str, what: &str, out: &mut String| {
        let items = report[list].as_array().cloned().unwrap_or_default();
        for item in items.iter().take(ROWS_PER_KIND) {
            out.push_str(&format!(
                "\n  {what}: {}: {}",
                text(&item["login"]),
                text(&item["reason"])
            ));
        }
        if items.len() > ROWS_PER_KIND {
            out.push_str(&format!(
                "\n  … and {} more {what}s (--json lists them all)",
                items.len() - ROWS_PER_KIND
            ));
        }
    };
    shown("conflicts", "conflict", &mut out);
    shown("kept", "kept", &mut out);
    for list in ["errors", "warnings"] {
        for item in report[list].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "\n  {}: {}",
                list.trim_end_matches('s'),
                clean(item.as_str().unwrap_or(""))
            ));
        }
    }
    out
}

/// The changes of a report as a table: kind, login, details.
pub fn changes_table(report: &Value) -> String {
    changes_table_with(report, ROWS_PER_KIND)
}

/// The same, with at most `rows_per_kind` rows of each kind.
pub fn changes_table_with(report: &Value, rows_per_kind: usize) -> String {
    let changes = report["changes"].as_array().cloned().unwrap_or_default();
    if changes.is_empty() {
        return "  (no changes)".to_string();
    }
    let mut rows = vec![(
        "CHANGE".to_string(),
        "LOGIN".to_string(),
        "DETAILS".to_string(),
    )];
    let mut hidden = 0;
    for kind in ["update", "delete", "create"] {
        let of_kind: Vec<&Value> = changes.iter().filter(|c| c["kind"] == kind).collect();
        for change in of_kind.iter().take(rows_per_kind) {
            rows.push((kind.to_string(), text(&change["login"]), details(change)));
        }
        hidden += of_kind.len().saturating_sub(rows_per_kind);
    }
    let w0 = rows.iter().map(|r| width(&r.0)).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| width(&r.1)).max().unwrap_or(0);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    let mut out: Vec<String> = rows
        .iter()
        .map(|(a, b, c)| format!("  {}  {}  {c}", pad(a, w0), pad(b, w1)))
        .collect();
    if hidden > 0 {
        out.push(format!(
            "  … and {hidden} more (--all lists them, --json gives the whole report)"
        ));
    }
    out.join("\n")
}

fn details(change: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(previous) = change["previous_login"].as_str() {
        parts.push(format!("renamed from {previous}"));
    }
    match change["kind"].as_str() {
        Some("create") => parts.push(text(&change["full_name"])),
        Some("update") => {
            let changed: Vec<String> = change["changed"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .filter(|f| f != "login")
                .collect();
            if !changed.is_empty() {
                parts.push(format!("changed: {}", changed.join(", ")));
            }
        }
        Some("delete") => parts.push(text(&change["reason"])),
        _ => {}
    }
    match change["outcome"].as_str() {
        Some("failed") => parts.push(format!("FAILED: {}", text(&change["error"]))),
        Some("not_delivered") => parts.push("not delivered".into()),
        _ => {}
    }
    parts.join("; ")
}

/// A value from the directory, fit for a terminal: control characters (escape sequences, bidi
/// overrides) a Google user's name could carry are replaced.
fn text(value: &Value) -> String {
    clean(value.as_str().unwrap_or(""))
}

fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// Width on a terminal, counted in characters rather than bytes.
fn width(text: &str) -> usize {
    text.chars().count()
}
