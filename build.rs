//! Generates the C header with cbindgen into OUT_DIR. The committed copy in include/ is
//! refreshed only on request (GOOGLE_DS_WRITE_HEADER=1), so that a test can tell when the
//! committed header no longer matches the code.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=GOOGLE_DS_WRITE_HEADER");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    let version = |part: &str| env::var(format!("CARGO_PKG_VERSION_{part}")).unwrap();
    config.after_includes = Some(format!(
        "\n#define DS_VERSION_MAJOR {}\n#define DS_VERSION_MINOR {}\n#define DS_VERSION_PATCH {}\n\
         #define DS_VERSION_STRING \"{}\"",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
        env::var("CARGO_PKG_VERSION").unwrap()
    ));

    set_soname();

    let generated = match cbindgen::generate_with_config(&crate_dir, config) {
        Ok(bindings) => bindings,
        Err(e) => {
            // Keep the build going (the compiler reports Rust errors better); the header
            // test will fail.
            println!("cargo:warning=cbindgen could not generate the header: {e}");
            return;
        }
    };
    let generated_path = out_dir.join("google_ds.h");
    generated.write_to_file(&generated_path);
    if env::var_os("GOOGLE_DS_WRITE_HEADER").is_some() {
        let committed = crate_dir.join("include").join("google_ds.h");
        std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
        generated.write_to_file(committed);
    }
}

/// Gives the shared library a versioned soname on ELF systems, as a C library has, so that a
/// program linked against an installed copy (see packaging/install.sh) asks the loader for a
/// compatible version. Before 1.0 every minor version may break the ABI, so the soname then
/// carries the minor number too (libgoogle_ds.so.0.1), as cargo-c names it.
fn set_soname() {
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if !matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        return;
    }
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let soname = if major == "0" {
        format!("libgoogle_ds.so.0.{minor}")
    } else {
        format!("libgoogle_ds.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
