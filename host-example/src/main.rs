//! An example host: loads libgoogle_ds at run time, keeps its own users, and shows what a sync
//! does. `host-example demo` needs nothing but this repository.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use host_example::hooks::StoreHooks;
use host_example::library::{self, Library, RunFlags};
use host_example::progress::{Progress, ProgressMode};
use host_example::store::UserStore;
use host_example::{abi, check, demo, print, signin};

/// The exit codes, as `--help` shows them (the README has the same table).
const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  anything else (the library cannot be loaded, a file cannot be written, a bug)
  2  configuration error: the message names the field (or the key file) to fix
  3  Google error: Google refused the credentials, delegation or request, or cannot be reached
  4  partial sync: some changes failed or deletions were held back; the report says which
  5  sign-in refused (login, check-password)

Logging: RUST_LOG=error|warn|info|debug|trace (default warn) prints the library's records on
stderr, as far as the configuration's log_level lets them through.";

#[derive(Parser)]
#[command(
    name = "host-example",
    version,
    about = "An example host of the google-ds connector",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    /// Path of the shared library (default: beside this program, or $GOOGLE_DS_LIB).
    #[arg(long, global = true)]
    lib: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a local emulator of Google with a demo tenant, and sync it twice.
    Demo {
        #[arg(long, default_value_t = 1000)]
        users: usize,
        #[arg(long, default_value_t = 50)]
        groups: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Check a configuration file without contacting Google: every field, and the files it
    /// names. Exits 2 with the wrong field named.
    CheckConfig {
        /// The configuration (JSON) to check.
        file: PathBuf,
    },
    /// Dry run: check the setup and show what a sync would change.
    Test {
        #[arg(long)]
        config: PathBuf,
        /// The host's users, kept as JSON between runs.
        #[arg(long)]
        db: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        /// Show the plan as if deletions beyond the deletion limit were forced.
        #[arg(long)]
        force_deletions: bool,
    },
    /// Sync the directory into the host's users.
    Sync {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        db: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        /// Apply deletions even beyond the deletion limit (safeguards.max_deletions and
        /// safeguards.max_deletion_percent).
        #[arg(long)]
        force_deletions: bool,
    },
    /// List the tenant's groups (to choose `scope.groups`).
    Groups {
        #[arg(long)]
        config: PathBuf,
    },
    /// Sign a person in with Google: print the URL, receive the redirect on a loopback port,
    /// and show who signed in.
    Login {
        #[arg(long)]
        config: PathBuf,
        /// Pre-fill the account (the emulator signs it in without a browser).
        #[arg(long)]
        login_hint: Option<String>,
    },
    /// Check a user's app password (asked for without echo) the way an IMAP client would.
    CheckPassword {
        #[arg(long)]
        config: PathBuf,
        /// Login name, primary address or alias.
        login: String,
        /// Read the password from the first line of standard input instead of the terminal.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// How a dry run or a sync shows itself.
#[derive(clap::Args)]
struct OutputArgs {
    /// Print the whole report as JSON on stdout (for scripts), instead of the table.
    #[arg(long)]
    json: bool,
    /// List every change in the table, not the first ten of each kind.
    #[arg(long)]
    all: bool,
    /// Show progress on stderr: auto (when stderr is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
}

/// Exit codes: what went wrong, for scripts.
const EXIT_CONFIG: u8 = 2;
const EXIT_GOOGLE: u8 = 3;
const EXIT_PARTIAL: u8 = 4;
const EXIT_REFUSED: u8 = 5;

fn exit_code(status: i32) -> u8 {
    use abi::*;
    match status {
        DS_STATUS_OK => 0,
        DS_STATUS_PARTIAL | DS_STATUS_CANCELLED | DS_STATUS_STOPPED_BY_HOST => EXIT_PARTIAL,
        DS_STATUS_INVALID_ARGUMENT | DS_STATUS_CONFIG_ERROR | DS_STATUS_CREDENTIALS_ERROR => {
            EXIT_CONFIG
        }
        DS_STATUS_AUTHORIZATION_ERROR | DS_STATUS_GOOGLE_ERROR | DS_STATUS_NETWORK_ERROR => {
            EXIT_GOOGLE
        }
        DS_STATUS_REFUSED => EXIT_REFUSED,
        _ => 1,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let path = cli.lib.clone().unwrap_or_else(library::default_path);
    let lib = match Library::load(&path) {
        Ok(lib) => lib,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match run(&lib, cli.command) {
        Ok(code) => ExitCode::from(code),
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

fn run(lib: &Library, command: Command) -> Result<u8, (u8, String)> {
    match command {
        Command::Demo {
            users,
            groups,
            seed,
        } => {
            demo::run(
                lib,
                &demo::DemoArgs {
                    users,
                    groups,
                    seed,
                },
            )
            .map_err(|e| (1, e))?;
            Ok(0)
        }
        Command::CheckConfig { file } => match check::check_config(lib, &file) {
            Ok(notes) => {
                println!("{}: OK", file.display());
                for note in notes {
                    println!("  {note}");
                }
                Ok(0)
            }
            Err(message) => Err((EXIT_CONFIG, format!("{}: {message}", file.display()))),
        },
        Command::Test {
            config,
            db,
            output,
            force_deletions,
        } => run_once(
            lib,
            &config,
            db,
            &output,
            false,
            RunFlags { force_deletions },
        ),
        Command::Sync {
            config,
            db,
            output,
            force_deletions,
        } => run_once(
            lib,
            &config,
            db,
            &output,
            true,
            RunFlags { force_deletions },
        ),
        Command::Groups { config } => {
            let connector = configure(lib, &config)?;
            let groups = connector
                .list_groups()
                .map_err(|e| (exit_code(e.status), e.to_string()))?;
            for g in groups.as_array().into_iter().flatten() {
                println!(
                    "{:<40} {:>6}  {}",
                    g["email"].as_str().unwrap_or(""),
                    g["directMembersCount"].as_u64().unwrap_or(0),
                    g["name"].as_str().unwrap_or("")
                );
            }
            Ok(0)
        }
        Command::Login { config, login_hint } => {
            let connector = configure(lib, &config)?;
            let json = read_json(&config)?;
            let answer =
                signin::browser_sign_in(&connector, &json, login_hint.as_deref(), &|line| {
                    println!("{line}")
                })
                .map_err(|e| match e {
                    signin::SignInFailure::Setup(m) => (EXIT_CONFIG, m),
                    signin::SignInFailure::Refused(m) => (EXIT_REFUSED, m),
                    signin::SignInFailure::Other(m) => (1, m),
                })?;
            finish_sign_in(&answer)
        }
        Command::CheckPassword {
            config,
            login,
            password_stdin,
        } => {
            let connector = configure(lib, &config)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| (1, format!("cannot read the password: {e}")))?;
                line.trim_end_matches(['\r', '\n']).to_string()
            } else {
                rpassword::prompt_password(format!("App password for {login}: "))
                    .map_err(|e| (1, format!("cannot read the password: {e}")))?
            };
            let answer = connector.authenticate(
                &serde_json::json!({"login": login, "password": password}),
                None,
            );
            finish_sign_in(&answer)
        }
    }
}

/// Prints who signed in, or why not; a refusal exits with its own code.
fn finish_sign_in(answer: &library::SignInAnswer) -> Result<u8, (u8, String)> {
    if answer.signed_in() || answer.reason().is_some() {
        println!("{}", signin::describe(answer));
    }
    if answer.signed_in() {
        Ok(0)
    } else if answer.reason().is_some() {
        Ok(EXIT_REFUSED)
    } else {
        Err((exit_code(answer.status), signin::describe(answer)))
    }
}

fn read_json(path: &PathBuf) -> Result<serde_json::Value, (u8, String)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| (EXIT_CONFIG, format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| (EXIT_CONFIG, format!("{} is not JSON: {e}", path.display())))
}

/// Prints a block to stdout; a closed pipe ends the output quietly instead of a panic.
fn print_out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}").and_then(|_| stdout.flush());
}

fn configure<'l>(lib: &'l Library, path: &PathBuf) -> Result<library::Connector<'l>, (u8, String)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| (EXIT_CONFIG, format!("cannot read {}: {e}", path.display())))?;
    lib.configure(&text)
        .map_err(|e| (exit_code(e.status), e.to_string()))
}

fn run_once(
    lib: &Library,
    config: &PathBuf,
    db: Option<PathBuf>,
    output: &OutputArgs,
    apply: bool,
    flags: RunFlags,
) -> Result<u8, (u8, String)> {
    let connector = configure(lib, config)?;
    let mut store = match &db {
        Some(path) => UserStore::load(path).map_err(|e| (1, e))?,
        None => UserStore::default(),
    };
    let users = store.host_users();
    let progress = Progress::new(output.progress);
    let outcome = if apply {
        let mut hooks = StoreHooks::applying(&mut store).with_progress(progress);
        connector.run_with(true, &users, flags, &mut hooks)
    } else {
        let mut hooks = StoreHooks::dry_run().with_progress(progress);
        connector.run_with(false, &users, flags, &mut hooks)
    };
    // The users are saved before anything is printed: a reader that goes away (`| head`)
    // must not cost the changes just applied.
    if apply {
        if let (Some(report), Some(_)) = (&outcome.report, &db) {
            store.note_missing(report);
        }
        if let Some(path) = &db {
            store.save(path).map_err(|e| (1, e))?;
        }
    }
    if let Some(report) = &outcome.report {
        if output.json {
            print_out(&serde_json::to_string_pretty(report).unwrap_or_default());
        } else {
            print_out(&print::summary(report));
            let rows = if output.all {
                usize::MAX
            } else {
                print::ROWS_PER_KIND
            };
            print_out(&print::changes_table_with(report, rows));
        }
    }
    match outcome.status {
        0 => Ok(0),
        status => Err((
            exit_code(status),
            format!(
                "{}: {}",
                outcome.status_name,
                outcome.error.unwrap_or_default()
            ),
        )),
    }
}
