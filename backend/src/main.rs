//! The `listgate` command line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod check;

/// listgate: get a contact list safely and lawfully into WhatsApp, SMS or email.
#[derive(Debug, Parser)]
#[command(name = "listgate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a list: every problem with row, column and fix; clean, error and segment files.
    Check(Box<check::CheckArgs>),
    /// Serve the browser app on one port.
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// The built browser app (`trunk build --release` writes it to dist/).
        #[arg(long, default_value = "dist")]
        dist: std::path::PathBuf,
    },
    /// Print a template CSV to start a list from.
    Template {
        /// whatsapp, mongoose, sms-us, email-gdpr, or a path to a .toml profile.
        #[arg(long, default_value = "whatsapp")]
        profile: String,
        /// Only the required columns.
        #[arg(long)]
        required_only: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Serve { addr, dist } => serve(addr, dist).map(|()| ExitCode::SUCCESS),
        Command::Template {
            profile,
            required_only,
        } => template(&profile, required_only).map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::from(2)
    })
}

fn template(profile: &str, required_only: bool) -> anyhow::Result<()> {
    use std::io::Write as _;
    let profile = check::load_profile(profile)?;
    std::io::stdout()
        .write_all(&listgate_core::template::template(&profile, required_only))
        .context("cannot write the template to standard output")
}

fn serve(addr: std::net::SocketAddr, dist: std::path::PathBuf) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "listgate=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let state = listgate::AppState::new(dist)?;
    tokio::runtime::Runtime::new()
        .context("cannot start the server runtime")?
        .block_on(listgate::serve(state, addr))
}
