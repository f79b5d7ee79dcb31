//! A C program compiled against the committed header with warnings as errors, linked to the
//! built shared library, syncs from the emulator.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// The soname the library is built with (build.rs): what a linked program asks the loader for.
pub fn soname() -> String {
    match env!("CARGO_PKG_VERSION_MAJOR") {
        "0" => format!("libgoogle_ds.so.0.{}", env!("CARGO_PKG_VERSION_MINOR")),
        major => format!("libgoogle_ds.so.{major}"),
    }
}

/// A folder beside the program where the library built for this test run answers to the
/// names the linker and the loader look for (cargo's folder has only `libgoogle_ds.so`).
fn library_dir(out_dir: &Path) -> PathBuf {
    let dir = out_dir.join("lib");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["libgoogle_ds.so".to_string(), soname()] {
        let link = dir.join(name);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(library_path(), &link).unwrap();
    }
    dir
}

/// Compiles tests/c/host.c into `out_dir` and returns the program's path.
pub fn build_c_host(out_dir: &Path, extra_flags: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_dir = library_dir(out_dir);
    let program = out_dir.join("c-host");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let output = Command::new(&cc)
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(extra_flags)
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("tests/c/host.c"))
        .arg("-o")
        .arg(&program)
        .arg(format!("-L{}", lib_dir.display()))
        .arg("-lgoogle_ds")
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc}: {e}"));
    assert!(
        output.status.success(),
        "the C host does not compile against include/google_ds.h:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    program
}

/// Runs the C host with the library it was linked against (cargo's own LD_LIBRARY_PATH
/// could otherwise point the loader at an older copy elsewhere in target/), and with a user
/// to sign in by app password.
pub fn run_c_host(program: &Path, config: &Path, sign_in: &[&str]) -> std::process::Output {
    let lib_dir = program.parent().unwrap().join("lib");
    Command::new(program)
        .arg(config)
        .args(sign_in)
        .env("LD_LIBRARY_PATH", lib_dir)
        .output()
        .unwrap()
}

/// A user of the tenant to sign in, and the app password the emulator gave them.
pub fn sign_in_user(env: &Env) -> (String, String) {
    let tenant = env.tenant();
    let user = signin::active_users(&tenant, None)[0];
    let email = user.primary_email.to_lowercase();
    let password = google_emulator::Emulator::demo_app_password(&email);
    (email, password)
}

#[test]
fn c_host_configures_tests_and_syncs() {
    let env = Env::new(31, 400, 10);
    let config_path = env.write_config();
    let program = build_c_host(env.dir.path(), &[]);
    let (login, password) = sign_in_user(&env);
    let output = run_c_host(&program, &config_path, &[&login, &password]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "C host failed:\n{stdout}\n{stderr}"
    );
    let expected = expected_logins(&env.tenant(), &[]).len();
    assert!(
        stdout.contains(&format!(
            "created={expected} updated=0 deleted=0 planned={expected}"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("signed_in={login}")), "{stdout}");
}

/// The same C host under valgrind: no invalid access and no definite leak, in the host or in
/// the library. Skipped, loudly, where valgrind is not installed (.ci/run installs it).
#[test]
fn c_host_is_clean_under_valgrind() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("SKIPPED c_host_is_clean_under_valgrind: valgrind is not installed");
        return;
    }
    let env = Env::new(32, 40, 4);
    let config_path = env.write_config();
    let program = build_c_host(env.dir.path(), &["-g"]);
    let lib_dir = env.dir.path().join("lib");
    let output = Command::new("valgrind")
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
        ])
        .args([
            "--show-leak-kinds=definite",
            "--track-origins=no",
            "--quiet",
        ])
        .arg(&program)
        .arg(&config_path)
        .env("LD_LIBRARY_PATH", lib_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "valgrind found a problem ({:?}):\n{stdout}\n{stderr}",
        output.status.code()
    );
    let expected = expected_logins(&env.tenant(), &[]).len();
    assert!(stdout.contains(&format!("created={expected} ")), "{stdout}");
}
