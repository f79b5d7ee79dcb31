//! Values quoted back in error messages. A value in the wrong place can be a secret (a key
//! pasted into `key_file` or `admin_user`), so only what cannot be one is shown: short,
//! single-line text without PEM markers or long base64-like runs.

/// The value in quotes, or a description of it when it could hold key material.
pub fn shown(value: &str) -> String {
    if is_safe(value) {
        format!("\"{value}\"")
    } else {
        format!(
            "(a value of {} characters, not shown: it may hold a secret)",
            value.chars().count()
        )
    }
}

fn is_safe(value: &str) -> bool {
    if value.len() > 100 || value.chars().any(char::is_control) || value.contains("-----") {
        return false;
    }
    let mut run = 0;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=' {
            run += 1;
            if run >= 32 {
                return false;
            }
        } else {
            run = 0;
        }
    }
    true
}

/// A parser's message with every quoted value (in "…" or `…`) passed through `shown`.
pub fn redact_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(['"', '`']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find(quote) {
            Some(end) => {
                let inner = &after[..end];
                if is_safe(inner) {
                    out.push(quote);
                    out.push_str(inner);
                    out.push(quote);
                } else {
                    out.push_str(&shown(inner));
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&shown(after));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_values_are_shown_secrets_are_not() {
        assert_eq!(shown("admin@example.com"), "\"admin@example.com\"");
        let path = "/etc/archive/google-service-account.json";
        assert_eq!(shown(path), format!("\"{path}\""));
        assert!(!shown("-----BEGIN PRIVATE KEY-----\nMIIE").contains("MIIE"));
        assert!(!shown("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7").contains("MIIE"));
        assert!(shown(&"x".repeat(200)).contains("200 characters"));
    }

    #[test]
    fn quoted_values_in_parser_messages_are_redacted() {
        let message =
            "invalid type: string \"-----BEGIN PRIVATE KEY-----\\nMIIE\", expected a boolean";
        let cleaned = redact_quotes(message);
        assert!(
            !cleaned.contains("MIIE") && cleaned.contains("expected a boolean"),
            "{cleaned}"
        );
        let message = "unknown field `grups`, expected one of `customer`, `domains`";
        assert_eq!(redact_quotes(message), message);
    }
}
