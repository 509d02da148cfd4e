//! Reviewer passwords: argon2id hashes with a fresh salt, verified on the
//! blocking pool in the same time whether or not the reviewer exists.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

/// A hash of a password nobody knows, verified when the e-mail is not a
/// reviewer's, so that an unknown e-mail costs as much time as a known
/// one and answers do not tell which e-mails are reviewers.
static UNKNOWN_REVIEWER_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password(&super::new_id())
        .expect("argon2 hashes a random password with default parameters")
});

/// Whether `password` matches `stored` (a reviewer's argon2 hash); with no
/// reviewer it runs the same work against [`UNKNOWN_REVIEWER_HASH`] and
/// answers no. Argon2 runs on the blocking pool, away from the async workers.
pub async fn verify_password(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| UNKNOWN_REVIEWER_HASH.clone());
        let hash = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(anyhow::Error::from)?
}

/// An argon2 hash of `password` with a fresh salt from the OS.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "correct horse battery staple" hashed by argon2 0.5, which listgate
    /// used before 0.6: hashes already stored must keep verifying.
    const ARGON2_0_5_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$qpvoa8SLaZnlX5A2MYRR+Q$f3yRJ5LZEhzWmeMT8A93Qh/8QYOLNcY9w+jW+7ixpO4";

    #[tokio::test]
    async fn hashes_stored_by_argon2_0_5_still_verify() {
        let stored = Some(ARGON2_0_5_HASH.to_owned());
        let right = verify_password("correct horse battery staple".into(), stored.clone());
        assert!(right.await.unwrap());
        assert!(
            !verify_password("correct horse battery".into(), stored)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn new_hashes_have_the_stored_format_and_verify() {
        let hash = hash_password("s3cret").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify_password("s3cret".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("s3cret!".into(), Some(hash)).await.unwrap());
    }
}
