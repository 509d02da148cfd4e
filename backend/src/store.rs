//! Files kept content-addressed on disk: `blobs/ab/abcdef…` by SHA-256, so
//! the same evidence sent twice is stored once and a name never collides.

use crate::tenants::sha256_hex;
use std::path::{Path, PathBuf};

/// A directory of content-addressed files.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    /// A store under `data_dir/blobs`.
    pub fn new(data_dir: &Path) -> BlobStore {
        BlobStore {
            root: data_dir.join("blobs"),
        }
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    /// Stores `bytes` (written to a temporary name, then renamed, so a
    /// crash never leaves half a file under its hash) and returns its hash.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let sha = sha256_hex(bytes);
        let path = self.path(&sha);
        if tokio::fs::try_exists(&path).await? {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(&self.root);
        tokio::fs::create_dir_all(dir).await?;
        let partial = dir.join(format!("{sha}.{}.partial", crate::tenants::new_id()));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await?;
        Ok(sha)
    }

    /// The bytes stored under `sha256`.
    pub async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a SHA-256",
            ));
        }
        tokio::fs::read(self.path(sha256)).await
    }
}
