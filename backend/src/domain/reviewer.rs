//! A reviewer's boundary types: the e-mail they sign in with and a password
//! long enough to keep.

/// A reviewer's email: something@somewhere, at most 254 characters, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Validates an email address.
    pub fn parse(text: &str) -> Result<Email, String> {
        let email = text.trim().to_lowercase();
        let valid = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
        if valid {
            Ok(Email(email))
        } else {
            Err(format!("`{text}` is not an email address"))
        }
    }
    /// The address, lowercased.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password of at least 12 characters.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// The password, to hash.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Validates a new password.
    pub fn parse(text: &str) -> Result<Password, String> {
        if text.chars().count() < 12 {
            return Err("a password has at least 12 characters".into());
        }
        Ok(Password(text.to_owned()))
    }
}
