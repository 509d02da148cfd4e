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
