//! Installing the library as a C library (packaging/install.sh): a versioned soname with its
//! symlinks, the header and a pkg-config file under a prefix; then the C host built against
//! the installed copy through pkg-config alone, and run against the emulator.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn install(args: &[&str]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/install.sh");
    run(Command::new("sh")
        .arg(script)
        .args(args)
        .arg("--library")
        .arg(library_path()));
}

fn soname() -> String {
    match env!("CARGO_PKG_VERSION_MAJOR") {
        "0" => format!("libgoogle_ds.so.0.{}", env!("CARGO_PKG_VERSION_MINOR")),
        major => format!("libgoogle_ds.so.{major}"),
    }
}

#[test]
fn installed_library_builds_and_runs_the_c_host_through_pkg_config() {
    let env = Env::new(101, 200, 6);
    let prefix = env.dir.path().join("prefix");
    install(&["--prefix", prefix.to_str().unwrap()]);

    // The files and links a C library has.
    let lib = prefix.join("lib");
    let version = env!("CARGO_PKG_VERSION");
    let real = lib.join(format!("libgoogle_ds.so.{version}"));
    assert!(real.is_file());
    assert_eq!(
        std::fs::read_link(lib.join(soname())).unwrap(),
        Path::new(&format!("libgoogle_ds.so.{version}"))
    );
    assert_eq!(
        std::fs::read_link(lib.join("libgoogle_ds.so")).unwrap(),
        Path::new(&soname())
    );
    assert!(prefix.join("include/google_ds.h").is_file());
    let dynamic = run(Command::new("readelf").arg("-d").arg(&real));
    assert!(
        dynamic.contains(&format!("Library soname: [{}]", soname())),
        "{dynamic}"
    );

    // pkg-config finds it, at the package's version.
    let pkg_config_path = lib.join("pkgconfig");
    let pkg_config = |args: &[&str]| {
        run(Command::new("pkg-config")
            .args(args)
            .arg("google_ds")
            .env("PKG_CONFIG_PATH", &pkg_config_path))
        .trim()
        .to_string()
    };
    assert_eq!(pkg_config(&["--modversion"]), version);
    let flags = pkg_config(&["--cflags", "--libs"]);

    // The C host, compiled with nothing but pkg-config's flags.
    let program = env.dir.path().join("c-host-installed");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    run(
        Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
            .arg(root.join("tests/c/host.c"))
            .args(flags.split_whitespace())
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .arg("-o")
            .arg(&program),
    );
    let needed = run(Command::new("readelf").arg("-d").arg(&program));
    assert!(
        needed.contains(&format!("Shared library: [{}]", soname())),
        "{needed}"
    );

    let config_path = env.write_config();
    let tenant = env.tenant();
    let user = signin::active_users(&tenant, None)[0];
    let login = user.primary_email.to_lowercase();
    let password = google_emulator::Emulator::demo_app_password(&login);
    let stdout = run(Command::new(&program)
        .arg(&config_path)
        .args([&login, &password])
        .env_remove("LD_LIBRARY_PATH"));
    let expected = expected_logins(&tenant, &[]).len();
    assert!(stdout.contains(&format!("created={expected} ")), "{stdout}");
    assert!(stdout.contains(&format!("signed_in={login}")), "{stdout}");
}

/// `--destdir` stages the files for a package, with the final prefix inside google_ds.pc.
#[test]
fn destdir_stages_files_for_a_package() {
    let stage = tempfile::tempdir().unwrap();
    install(&[
        "--prefix",
        "/usr",
        "--libdir",
        "/usr/lib/x86_64-linux-gnu",
        "--destdir",
        stage.path().to_str().unwrap(),
    ]);
    let lib = stage.path().join("usr/lib/x86_64-linux-gnu");
    assert!(lib.join(soname()).exists());
    assert!(stage.path().join("usr/include/google_ds.h").is_file());
    let pc = std::fs::read_to_string(lib.join("pkgconfig/google_ds.pc")).unwrap();
    assert!(pc.contains("prefix=/usr\n"), "{pc}");
    assert!(pc.contains("libdir=/usr/lib/x86_64-linux-gnu\n"), "{pc}");
    assert!(
        pc.contains(&format!("Version: {}\n", env!("CARGO_PKG_VERSION"))),
        "{pc}"
    );
}
