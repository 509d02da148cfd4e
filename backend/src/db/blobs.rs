//! Files kept content-addressed by SHA-256 under `ab/abcdef…`, so the same
//! evidence sent twice is stored once and a name never collides: on disk
//! under `DATA_DIR/blobs` by default, or in an S3 (or S3-compatible) bucket
//! through `object_store` when one is configured.

use crate::support::sha256_hex;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{ObjectStore as _, ObjectStoreExt as _, PutPayload, RetryConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Why the store could not read or write a file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The name asked for is not 64 hexadecimal digits.
    #[error("not a SHA-256")]
    NotAHash,
    /// Nothing is stored under this hash.
    #[error("no file is stored under SHA-256 {0}")]
    Missing(String),
    /// The disk store failed.
    #[error("the file store in {} failed", root.display())]
    Disk {
        /// The store's directory.
        root: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The S3 settings are unusable (a malformed endpoint…).
    #[error("the S3 store for bucket `{bucket}` is misconfigured: {cause}")]
    Config {
        /// The bucket.
        bucket: String,
        /// What `object_store` said (its message already holds its causes).
        cause: object_store::Error,
    },
    /// Only one of the two credential variables is set.
    #[error("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither")]
    HalfCredentials,
    /// The bucket could not be listed: unreachable, missing, or refused.
    #[error(
        "cannot reach the S3 bucket `{bucket}`{} (check the bucket, endpoint, region and credentials): {cause}",
        endpoint.as_deref().map(|e| format!(" at {e}")).unwrap_or_default()
    )]
    Unreachable {
        /// The bucket.
        bucket: String,
        /// The endpoint, when not Amazon's.
        endpoint: Option<String>,
        /// What `object_store` said (its message already holds its causes).
        cause: object_store::Error,
    },
    /// A request to the bucket failed.
    #[error("the S3 bucket `{bucket}` failed: {cause}")]
    S3 {
        /// The bucket.
        bucket: String,
        /// What `object_store` said (its message already holds its causes).
        cause: object_store::Error,
    },
}

/// Where an S3 store is and how to sign in to it.
#[derive(Debug, Clone)]
pub struct S3Config {
    /// The bucket (it must exist).
    pub bucket: String,
    /// An S3-compatible server, e.g. `http://127.0.0.1:9000`; `None` for
    /// Amazon S3. Plain `http://` is allowed, for local servers.
    pub endpoint: Option<String>,
    /// The bucket's region.
    pub region: String,
    /// Static keys; `None` uses the usual AWS chain (web identity, the
    /// container's or the instance's role).
    pub credentials: Option<S3Credentials>,
}

/// An access key pair, with its session token when temporary.
#[derive(Clone)]
pub struct S3Credentials {
    /// `AWS_ACCESS_KEY_ID`.
    pub access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY`.
    pub secret_access_key: String,
    /// `AWS_SESSION_TOKEN`.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl S3Credentials {
    /// The keys in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
    /// `AWS_SESSION_TOKEN`; `None` when neither key is set.
    pub fn from_env() -> Result<Option<S3Credentials>, StoreError> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Some(S3Credentials {
                access_key_id,
                secret_access_key,
                session_token: var("AWS_SESSION_TOKEN"),
            })),
            (None, None) => Ok(None),
            _ => Err(StoreError::HalfCredentials),
        }
    }
}

/// Content-addressed files, on disk or in a bucket.
#[derive(Clone)]
pub struct BlobStore {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Disk {
        root: PathBuf,
    },
    S3 {
        client: Arc<AmazonS3>,
        bucket: String,
        endpoint: Option<String>,
    },
}

/// Shows where the files are, never a credential.
impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BlobStore({self})")
    }
}

impl std::fmt::Display for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.backend {
            Backend::Disk { root } => write!(f, "disk {}", root.display()),
            Backend::S3 {
                bucket, endpoint, ..
            } => match endpoint {
                Some(endpoint) => write!(f, "S3 bucket {bucket} at {endpoint}"),
                None => write!(f, "S3 bucket {bucket}"),
            },
        }
    }
}

/// `ab/abcdef…`: the first two digits name a folder, so none grows huge.
fn key(sha256: &str) -> String {
    format!("{}/{sha256}", &sha256[..2])
}

fn check_hash(sha256: &str) -> Result<(), StoreError> {
    if sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(StoreError::NotAHash)
    }
}

impl BlobStore {
    /// A store under `data_dir/blobs`.
    pub fn new(data_dir: &Path) -> BlobStore {
        BlobStore {
            backend: Backend::Disk {
                root: data_dir.join("blobs"),
            },
        }
    }

    /// A store in an S3 bucket. Nothing is sent yet: [`BlobStore::check`]
    /// tells whether the bucket answers.
    pub fn s3(config: S3Config) -> Result<BlobStore, StoreError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            // A few quick retries, so an unreachable bucket is reported in
            // seconds rather than after the default three minutes.
            .with_retry(RetryConfig {
                max_retries: 3,
                retry_timeout: Duration::from_secs(30),
                ..RetryConfig::default()
            });
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(credentials) = config.credentials {
            builder = builder
                .with_access_key_id(credentials.access_key_id)
                .with_secret_access_key(credentials.secret_access_key);
            if let Some(token) = credentials.session_token {
                builder = builder.with_token(token);
            }
        }
        let client = builder.build().map_err(|cause| StoreError::Config {
            bucket: config.bucket.clone(),
            cause,
        })?;
        Ok(BlobStore {
            backend: Backend::S3 {
                client: Arc::new(client),
                bucket: config.bucket,
                endpoint: config.endpoint,
            },
        })
    }

    /// `disk` or `s3`, for the readiness check.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Disk { .. } => "disk",
            Backend::S3 { .. } => "s3",
        }
    }

    /// Succeeds when files can be stored: the directory exists (it is
    /// created if need be), or the bucket answers a listing.
    pub async fn check(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Disk { root } => {
                tokio::fs::create_dir_all(root)
                    .await
                    .map_err(|source| StoreError::Disk {
                        root: root.clone(),
                        source,
                    })
            }
            Backend::S3 {
                client,
                bucket,
                endpoint,
            } => {
                // A prefix no file has: one short request, whatever the bucket holds.
                let probe = Key::from("listgate-ready-check");
                client
                    .list_with_delimiter(Some(&probe))
                    .await
                    .map(drop)
                    .map_err(|cause| StoreError::Unreachable {
                        bucket: bucket.clone(),
                        endpoint: endpoint.clone(),
                        cause,
                    })
            }
        }
    }

    /// Stores `bytes` unless a file with the same hash is already there, and
    /// returns the hash. Never half a file under its hash: on disk it is
    /// written to a temporary name, then renamed; an S3 upload appears whole.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, StoreError> {
        let sha = sha256_hex(bytes);
        match &self.backend {
            Backend::Disk { root } => {
                put_on_disk(root, &sha, bytes)
                    .await
                    .map_err(|source| StoreError::Disk {
                        root: root.clone(),
                        source,
                    })?;
            }
            Backend::S3 { client, bucket, .. } => {
                let failed = |cause| StoreError::S3 {
                    bucket: bucket.clone(),
                    cause,
                };
                let location = Key::from(key(&sha));
                match client.head(&location).await {
                    Ok(_) => {}
                    Err(object_store::Error::NotFound { .. }) => {
                        client
                            .put(&location, PutPayload::from(bytes.to_vec()))
                            .await
                            .map_err(failed)?;
                    }
                    Err(cause) => return Err(failed(cause)),
                }
            }
        }
        Ok(sha)
    }

    /// The bytes stored under `sha256`.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        check_hash(sha256)?;
        let missing = || StoreError::Missing(sha256.to_owned());
        match &self.backend {
            Backend::Disk { root } => match tokio::fs::read(root.join(key(sha256))).await {
                Ok(bytes) => Ok(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(missing()),
                Err(source) => Err(StoreError::Disk {
                    root: root.clone(),
                    source,
                }),
            },
            Backend::S3 { client, bucket, .. } => {
                let failed = |cause| match cause {
                    object_store::Error::NotFound { .. } => missing(),
                    cause => StoreError::S3 {
                        bucket: bucket.clone(),
                        cause,
                    },
                };
                let found = client.get(&Key::from(key(sha256))).await.map_err(failed)?;
                Ok(Vec::from(found.bytes().await.map_err(failed)?))
            }
        }
    }
}

impl BlobStore {
    /// Deletes the file stored under `sha256` (nothing to do if it is gone).
    pub async fn delete(&self, sha256: &str) -> Result<(), StoreError> {
        check_hash(sha256)?;
        match &self.backend {
            Backend::Disk { root } => match tokio::fs::remove_file(root.join(key(sha256))).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Disk {
                    root: root.clone(),
                    source: e,
                }),
                _ => Ok(()),
            },
            Backend::S3 { client, bucket, .. } => {
                match client.delete(&Key::from(key(sha256))).await {
                    Err(cause) if !matches!(cause, object_store::Error::NotFound { .. }) => {
                        Err(StoreError::S3 {
                            bucket: bucket.clone(),
                            cause,
                        })
                    }
                    _ => Ok(()),
                }
            }
        }
    }
}

async fn put_on_disk(root: &Path, sha: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = root.join(key(sha));
    if tokio::fs::try_exists(&path).await? {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(root);
    tokio::fs::create_dir_all(dir).await?;
    let partial = dir.join(format!("{sha}.{}.partial", crate::support::new_id()));
    let written = match tokio::fs::write(&partial, bytes).await {
        Ok(()) => tokio::fs::rename(&partial, &path).await,
        Err(e) => Err(e),
    };
    if written.is_err() {
        // A full disk leaves no half file behind.
        let _ = tokio::fs::remove_file(&partial).await;
    }
    written
}
