//! The `listgate` command line.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use listgate::ConnectionLimits;
use listgate::http::throttle::AbuseLimits;
use std::path::PathBuf;
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
    /// Serve the browser app and the API on one port.
    Serve(ServeArgs),
    /// Manage tenants (the merchants and partners who submit lists).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage reviewers (who approve or reject submissions).
    #[command(subcommand)]
    Reviewer(ReviewerCommand),
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

/// Where the server keeps its data.
#[derive(Debug, clap::Args)]
struct DataArgs {
    /// `sqlite://PATH` (default: DATA_DIR/listgate.db) or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(long, env = "LISTGATE_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory for the SQLite database and stored files.
    #[arg(long, default_value = "data")]
    data_dir: PathBuf,
}

impl DataArgs {
    fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| listgate::db::default_url(&self.data_dir))
    }
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// The built browser app (`trunk build --release` writes it to dist/).
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    #[command(flatten)]
    data: DataArgs,
    /// Days a finished (imported or rejected) submission's list is kept
    /// before it is deleted; 0 keeps it.
    #[arg(long, default_value_t = listgate::services::DEFAULT_LIST_RETAIN_DAYS)]
    retain_days: u32,
    /// Days a finished submission's consent evidence and answers are kept
    /// (the proof for when consent is challenged); 0 keeps them.
    #[arg(long, default_value_t = listgate::services::DEFAULT_EVIDENCE_RETAIN_DAYS)]
    evidence_retain_days: u32,
    /// Submitted lists checked at once (default: one per core); more get 503
    /// with Retry-After.
    #[arg(long, value_name = "N")]
    max_concurrent_checks: Option<usize>,
    /// Most evidence files in one submission.
    #[arg(long, default_value_t = listgate::http::submissions::EvidenceLimits::default().files)]
    max_evidence_files: usize,
    /// Largest evidence file, in MB.
    #[arg(long, default_value_t = listgate::http::submissions::EvidenceLimits::default().bytes_per_file >> 20)]
    max_evidence_mb: usize,
    /// Largest submission in bytes (clean file and evidence together).
    #[arg(long, default_value_t = listgate::app::DEFAULT_MAX_SUBMISSION_BYTES)]
    max_submission_bytes: usize,
    /// Seconds between import batches in the plan reviewers are offered
    /// (they confirm or change it per submission).
    #[arg(long, default_value_t = listgate::app::DEFAULT_BATCH_INTERVAL_SECONDS)]
    batch_interval_seconds: u64,
    #[command(flatten)]
    s3: S3Args,
    #[command(flatten)]
    transport: TransportArgs,
    #[command(flatten)]
    smtp: SmtpArgs,
    #[command(flatten)]
    connections: ConnectionArgs,
    #[command(flatten)]
    abuse: AbuseArgs,
}

/// The SMTP server merchants are e-mailed through (decisions, each batch,
/// pauses, the end of the import), at their tenant's contact address.
#[derive(Debug, clap::Args)]
struct SmtpArgs {
    /// smtp://host:port (a relay on this network), smtp://user:password@host:587?tls=required
    /// (STARTTLS) or smtps://user:password@host (TLS); without it no e-mail is sent.
    #[arg(long, env = "LISTGATE_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender, e.g. "listgate <noreply@lists.example>".
    #[arg(
        long,
        env = "LISTGATE_SMTP_FROM",
        default_value = "listgate <noreply@localhost>"
    )]
    smtp_from: String,
}

impl SmtpArgs {
    fn mailer(&self) -> anyhow::Result<Option<listgate::services::notify::Mailer>> {
        self.smtp_url
            .as_deref()
            .map(|url| listgate::services::notify::Mailer::new(url, &self.smtp_from))
            .transpose()
    }
}

/// How browsers reach the server; decides the session cookie's `Secure`
/// and `__Host-` prefix, and HSTS.
#[derive(Debug, clap::Args)]
struct TransportArgs {
    /// The address browsers use, e.g. https://lists.example (HTTPS ending
    /// at a proxy in front); with https:// every request counts as HTTPS.
    #[arg(long, value_parser = listgate::http::transport::PublicUrl::parse)]
    public_url: Option<listgate::http::transport::PublicUrl>,
    /// Every request comes through a reverse proxy that sets
    /// X-Forwarded-Proto: believe it (never set this when clients can reach
    /// the server directly, as they could send the header themselves).
    #[arg(long)]
    behind_proxy: bool,
}

/// How long clients may take and how many may be connected.
#[derive(Debug, clap::Args)]
struct ConnectionArgs {
    /// Seconds a client has to send a request's headers.
    #[arg(long, default_value_t = ConnectionLimits::default().header_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout_secs: u64,
    /// Seconds from a request's headers to its answer, upload included (408
    /// after); raise it for large submissions over slow links.
    #[arg(long, default_value_t = ConnectionLimits::default().request_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout_secs: u64,
    /// Seconds a connection with no request in flight stays open.
    #[arg(long, default_value_t = ConnectionLimits::default().idle_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout_secs: u64,
    /// Connections open at once; more wait until one closes. Keep it well
    /// below the open-file limit (`ulimit -n`).
    #[arg(long, default_value_t = ConnectionLimits::default().max_connections,
        value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
}

impl ConnectionArgs {
    fn limits(&self) -> ConnectionLimits {
        use std::time::Duration;
        ConnectionLimits {
            header_timeout: Duration::from_secs(self.header_timeout_secs),
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            max_connections: self.max_connections,
        }
    }
}

/// Limits on password guessing and on the publishable key, which any page
/// visitor can read (see docs/SECURITY.md).
#[derive(Debug, clap::Args)]
struct AbuseArgs {
    /// Sign-in attempts a minute from one client address, and separately
    /// for one email; more get 429 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = AbuseLimits::default().sign_in_attempts_per_minute)]
    sign_in_attempts_per_minute: u32,
    /// Submissions a minute with one publishable key; more get 429.
    #[arg(long, value_name = "N", default_value_t = AbuseLimits::default().publishable_submissions_per_minute)]
    publishable_submissions_per_minute: u32,
    /// Submissions a minute with a publishable key from one client address
    /// (IPv6: one /64); more get 429.
    #[arg(long, value_name = "N", default_value_t = AbuseLimits::default().publishable_submissions_per_minute_per_address)]
    publishable_submissions_per_minute_per_address: u32,
    /// Submissions of one tenant waiting for review at once; more get 409
    /// until reviewers decide.
    #[arg(long, value_name = "N", default_value_t = AbuseLimits::default().max_pending_submissions)]
    max_pending_submissions: u32,
}

impl AbuseArgs {
    fn limits(&self) -> AbuseLimits {
        AbuseLimits {
            sign_in_attempts_per_minute: self.sign_in_attempts_per_minute,
            publishable_submissions_per_minute: self.publishable_submissions_per_minute,
            publishable_submissions_per_minute_per_address: self
                .publishable_submissions_per_minute_per_address,
            max_pending_submissions: self.max_pending_submissions,
        }
    }
}

/// Where stored files go instead of DATA_DIR/blobs. The keys come from
/// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), never
/// from flags; without them the usual AWS role chain is used.
#[derive(Debug, clap::Args)]
struct S3Args {
    /// Keep clean files and evidence in this S3 bucket (it must exist).
    #[arg(long, env = "LISTGATE_S3_BUCKET")]
    s3_bucket: Option<String>,
    /// An S3-compatible server instead of Amazon S3, e.g. http://127.0.0.1:9000.
    #[arg(long, env = "LISTGATE_S3_ENDPOINT", requires = "s3_bucket")]
    s3_endpoint: Option<String>,
    /// The bucket's region.
    #[arg(long, env = "LISTGATE_S3_REGION", default_value = "us-east-1")]
    s3_region: String,
}

impl S3Args {
    /// The S3 store when a bucket is given, else the disk store in `data_dir`.
    fn store(&self, data_dir: &std::path::Path) -> anyhow::Result<listgate::db::blobs::BlobStore> {
        use listgate::db::blobs::{BlobStore, S3Config, S3Credentials};
        let Some(bucket) = &self.s3_bucket else {
            return Ok(BlobStore::new(data_dir));
        };
        Ok(BlobStore::s3(S3Config {
            bucket: bucket.clone(),
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            credentials: S3Credentials::from_env()?,
        })?)
    }
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Add a tenant and print its API key (shown only this once).
    Add {
        /// Its name.
        name: String,
        /// A web origin allowed to submit for it (repeatable), e.g. https://portal.example.
        #[arg(long = "origin")]
        origins: Vec<String>,
        /// Send every imported batch to this URL (signed; the secret is printed).
        #[arg(long)]
        webhook: Option<String>,
        /// The business its consent wording must name (default: its name).
        /// Lists are re-checked against it whatever the submission says.
        #[arg(long)]
        business_name: Option<String>,
        /// Where its merchant is e-mailed about decisions and the import
        /// (when the server has `--smtp-url`).
        #[arg(long)]
        contact_email: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set the address a tenant's merchant is e-mailed at about decisions,
    /// each imported batch, pauses and the end of the import.
    SetContact {
        /// The tenant's id, as `tenant add` printed it.
        tenant: String,
        /// The merchant's e-mail address.
        email: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set the business a tenant's consent wording must name; the server
    /// re-checks every list it submits against it.
    SetBusinessName {
        /// The tenant's id, as `tenant add` printed it.
        tenant: String,
        /// The business name, e.g. "Acme Boutique".
        business_name: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set how a tenant's imports follow the delivery signals its messaging
    /// platform reports (POST /api/v1/submissions/{id}/batches/{n}/signals):
    /// whether each next batch waits for the last one's signals, and the
    /// shares over which they pause the import.
    SetSignals {
        /// The tenant's id, as `tenant add` printed it.
        tenant: String,
        /// Each next batch waits for the last batch's signals; without it,
        /// batches follow the plan and bad signals still pause the import.
        #[arg(long)]
        wait: bool,
        /// Failed deliveries at most, in percent of the contacts sent to.
        #[arg(long, default_value_t = listgate_api::SignalThresholds::default().max_failed_percent)]
        max_failed_percent: f64,
        /// Blocks and spam reports together at most, in percent.
        #[arg(long, default_value_t = listgate_api::SignalThresholds::default().max_blocked_percent)]
        max_blocked_percent: f64,
        /// Opt-outs at most, in percent.
        #[arg(long, default_value_t = listgate_api::SignalThresholds::default().max_opted_out_percent)]
        max_opted_out_percent: f64,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set the staff ids a tenant's Mongoose lists may assign contacts to
    /// (StaffId); with none, any StaffId is accepted.
    SetStaff {
        /// The tenant's id, as `tenant add` printed it.
        tenant: String,
        /// A staff id (repeatable); the list replaces the previous one.
        #[arg(long = "staff-id")]
        staff_ids: Vec<String>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Debug, Subcommand)]
enum ReviewerCommand {
    /// Add a reviewer, or set an existing reviewer's password. The password
    /// (at least 12 characters) is read from the first line of standard input.
    Add {
        /// The reviewer's email, used to sign in.
        email: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Remove a reviewer: their sessions end and they can no longer sign in
    /// (their past decisions still name them).
    Remove {
        /// The reviewer's email.
        email: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// mimalloc: rows judged on one thread are freed on another, where the
/// system allocator serialises on its arenas (measured in docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Serve(args) => serve(args).map(|()| ExitCode::SUCCESS),
        Command::Tenant(command) => tenant(command).map(|()| ExitCode::SUCCESS),
        Command::Reviewer(command) => reviewer(command).map(|()| ExitCode::SUCCESS),
        Command::Template {
            profile,
            required_only,
        } => template(&profile, required_only).map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|error| {
        // A reader that stopped early (`listgate check … | head`) is not an
        // error worth a message; and a closed stderr must not panic.
        let closed_pipe = error.chain().any(|cause| {
            cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if !closed_pipe {
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
        }
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

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "listgate=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    listgate::app::check_dist(&args.dist)?;
    runtime()?.block_on(async {
        let url = args.data.database_url();
        let db = listgate::db::connect(&url).await?;
        let store = args.s3.store(&args.data.data_dir)?;
        store
            .check()
            .await
            .context("the file store is not usable")?;
        let postgres = url.starts_with("postgres");
        let config = listgate::ServerConfig {
            dist: args.dist,
            max_submission_bytes: args.max_submission_bytes,
            max_concurrent_checks: args
                .max_concurrent_checks
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from)),
            evidence_limits: listgate::http::submissions::EvidenceLimits {
                files: args.max_evidence_files,
                bytes_per_file: args.max_evidence_mb.saturating_mul(1 << 20),
            },
            batch_interval_seconds: args.batch_interval_seconds,
            retention: listgate::services::Retention {
                list_days: args.retain_days,
                evidence_days: args.evidence_retain_days,
            },
            transport: listgate::http::transport::Transport {
                public_url: args.transport.public_url,
                behind_proxy: args.transport.behind_proxy,
            },
            abuse: args.abuse.limits(),
            mail: args.smtp.mailer()?,
        };
        let state = listgate::app::state(config, db, store, postgres);
        listgate::serve(state, args.addr, args.connections.limits()).await
    })
}

fn tenant(command: TenantCommand) -> anyhow::Result<()> {
    let (name, origins, webhook, business_name, contact_email, data) = match command {
        TenantCommand::Add {
            name,
            origins,
            webhook,
            business_name,
            contact_email,
            data,
        } => (name, origins, webhook, business_name, contact_email, data),
        TenantCommand::SetContact {
            tenant,
            email,
            data,
        } => return set_contact(&tenant, &email, &data),
        TenantCommand::SetStaff {
            tenant,
            staff_ids,
            data,
        } => return set_staff(&tenant, &staff_ids, &data),
        TenantCommand::SetBusinessName {
            tenant,
            business_name,
            data,
        } => return set_business_name(&tenant, &business_name, &data),
        TenantCommand::SetSignals {
            tenant,
            wait,
            max_failed_percent,
            max_blocked_percent,
            max_opted_out_percent,
            data,
        } => {
            let thresholds = listgate_api::SignalThresholds {
                max_failed_percent,
                max_blocked_percent,
                max_opted_out_percent,
            };
            return set_signals(&tenant, wait, &thresholds, &data);
        }
    };
    let business_name = business_name
        .as_deref()
        .map(listgate::domain::tenant::BusinessName::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let webhook = webhook
        .as_deref()
        .map(listgate::domain::tenant::WebhookUrl::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let contact_email = contact_email
        .as_deref()
        .map(listgate::domain::reviewer::Email::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let name = listgate::domain::tenant::TenantName::parse(&name).map_err(anyhow::Error::msg)?;
    let origins = origins
        .iter()
        .map(|o| listgate::domain::tenant::Origin::parse(o).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    runtime()?.block_on(async {
        let db = listgate::db::connect(&data.database_url()).await?;
        let tenant = listgate::db::tenants::add_tenant(&db, &name, &origins, webhook.as_ref()).await?;
        if let Some(business_name) = &business_name {
            listgate::db::tenants::set_business_name(&db, &tenant.id, business_name).await?;
        }
        if let Some(email) = &contact_email {
            listgate::db::tenants::set_contact_email(&db, &tenant.id, email.as_str()).await?;
        }
        if let Some(secret) = &tenant.webhook_secret {
            eprintln!("webhook signing secret (check X-Listgate-Signature with it): {secret}");
        }
        eprintln!(
            "publishable key for web pages on its allowed origins (can only create submissions): {}",
            tenant.publishable_key.as_str()
        );
        eprintln!("tenant {} added; its secret API key (shown only now):", tenant.id);
        println!("{}", tenant.key.expose());
        Ok(())
    })
}

fn set_staff(tenant: &str, ids: &[String], data: &DataArgs) -> anyhow::Result<()> {
    let ids = ids
        .iter()
        .map(|id| listgate::domain::tenant::StaffId::parse(id).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    runtime()?.block_on(async {
        let db = listgate::db::connect(&data.database_url()).await?;
        if !listgate::db::tenants::set_staff_ids(&db, tenant, &ids).await? {
            anyhow::bail!(
                "no tenant has the id `{tenant}`: use the id `listgate tenant add` printed"
            );
        }
        eprintln!(
            "tenant {tenant}: {}",
            if ids.is_empty() {
                "any StaffId is accepted".to_owned()
            } else {
                format!("{} staff ids", ids.len())
            }
        );
        Ok(())
    })
}

fn set_contact(tenant: &str, email: &str, data: &DataArgs) -> anyhow::Result<()> {
    let email = listgate::domain::reviewer::Email::parse(email).map_err(anyhow::Error::msg)?;
    runtime()?.block_on(async {
        let db = listgate::db::connect(&data.database_url()).await?;
        if !listgate::db::tenants::set_contact_email(&db, tenant, email.as_str()).await? {
            anyhow::bail!(
                "no tenant has the id `{tenant}`: use the id `listgate tenant add` printed"
            );
        }
        eprintln!(
            "tenant {tenant}: its merchant is e-mailed at {}",
            email.as_str()
        );
        Ok(())
    })
}

fn set_signals(
    tenant: &str,
    wait: bool,
    thresholds: &listgate_api::SignalThresholds,
    data: &DataArgs,
) -> anyhow::Result<()> {
    for (flag, percent) in [
        ("--max-failed-percent", thresholds.max_failed_percent),
        ("--max-blocked-percent", thresholds.max_blocked_percent),
        ("--max-opted-out-percent", thresholds.max_opted_out_percent),
    ] {
        if !(0.0..=100.0).contains(&percent) {
            anyhow::bail!("{flag} is a percentage from 0 to 100, not {percent}");
        }
    }
    runtime()?.block_on(async {
        let db = listgate::db::connect(&data.database_url()).await?;
        if !listgate::db::signals::set_policy(&db, tenant, wait, thresholds).await? {
            anyhow::bail!(
                "no tenant has the id `{tenant}`: use the id `listgate tenant add` printed"
            );
        }
        let waits = if wait {
            "each batch waits for the last one's signals"
        } else {
            "batches follow the plan"
        };
        eprintln!("tenant {tenant}: {waits}; signals over the thresholds pause the import");
        Ok(())
    })
}

fn set_business_name(tenant: &str, name: &str, data: &DataArgs) -> anyhow::Result<()> {
    let name = listgate::domain::tenant::BusinessName::parse(name).map_err(anyhow::Error::msg)?;
    runtime()?.block_on(async {
        let db = listgate::db::connect(&data.database_url()).await?;
        if !listgate::db::tenants::set_business_name(&db, tenant, &name).await? {
            anyhow::bail!(
                "no tenant has the id `{tenant}`: use the id `listgate tenant add` printed"
            );
        }
        eprintln!("tenant {tenant}: consent wording must name the business given");
        Ok(())
    })
}

fn reviewer(command: ReviewerCommand) -> anyhow::Result<()> {
    let (email, data) = match command {
        ReviewerCommand::Add { email, data } => (email, data),
        ReviewerCommand::Remove { email, data } => return remove_reviewer(&email, &data),
    };
    let email = listgate::domain::reviewer::Email::parse(&email).map_err(anyhow::Error::msg)?;
    eprintln!("password for the reviewer (at least 12 characters), then Enter:");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = listgate::domain::reviewer::Password::parse(line.trim_end_matches(['\r', '\n']))
        .map_err(anyhow::Error::msg)?;
    runtime()?.block_on(async {
        let db = listgate::db::connect(&data.database_url()).await?;
        listgate::db::reviewers::set_reviewer(&db, &email, &password).await?;
        eprintln!(
            "reviewer saved (a changed password signs them out everywhere); they sign in at /api/v1/session"
        );
        Ok(())
    })
}

fn remove_reviewer(email: &str, data: &DataArgs) -> anyhow::Result<()> {
    let email = listgate::domain::reviewer::Email::parse(email).map_err(anyhow::Error::msg)?;
    runtime()?.block_on(async {
        let db = listgate::db::connect(&data.database_url()).await?;
        if !listgate::db::reviewers::remove_reviewer(&db, &email).await? {
            anyhow::bail!(
                "no reviewer has the email `{}`: nothing was removed",
                email.as_str()
            );
        }
        eprintln!(
            "reviewer {} removed; their sessions have ended",
            email.as_str()
        );
        Ok(())
    })
}
