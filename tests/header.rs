//! The committed C header must be what cbindgen makes of the current code.

#[test]
fn committed_header_matches_the_code() {
    let generated = include_str!(concat!(env!("OUT_DIR"), "/google_ds.h"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/google_ds.h");
    let committed = std::fs::read_to_string(path).expect("include/google_ds.h is committed");
    assert!(
        committed == generated,
        "include/google_ds.h is stale: regenerate it with `GOOGLE_DS_WRITE_HEADER=1 cargo build` \
         and commit it"
    );
}

#[test]
fn header_version_macros_match_the_package() {
    let header = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/include/google_ds.h"));
    for (name, value) in [
        ("DS_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("DS_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("DS_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        let line = format!("#define {name} {value}\n");
        assert!(header.contains(&line), "header lacks `{}`", line.trim());
    }
    let version = format!(
        "#define DS_VERSION_STRING \"{}\"",
        env!("CARGO_PKG_VERSION")
    );
    assert!(header.contains(&version));
}
